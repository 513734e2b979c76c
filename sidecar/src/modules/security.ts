import { Router, type Request, type Response } from 'express';
import type { SidecarModule } from './types';
import { StartupError } from '../util/errors';
import { KeyRotator } from '../crypto/rotation';
import { adminRouter } from '../auth/admin-router';
import { BridgeVerifier } from '../auth/bridge';
import { LoginGuard } from '../auth/login-guard';
import { pruneArtifacts } from '../auth/oauth/adapter';
import { ClientStore } from '../auth/oauth/clients';
import { interactionRouter } from '../auth/oauth/interactions';
import { loadSigningKeys, signingKeyColumn } from '../auth/oauth/keys';
import { createOAuthProvider, mountPathOf } from '../auth/oauth/provider';
import { TokenRegistry } from '../auth/oauth/token-registry';
import { AccessTokenVerifier } from '../auth/oauth/verify';
import { RbacStore } from '../auth/rbac';
import { buildV1Router } from '../api/v1/router';
import { catalogHandlers } from '../api/v1/catalog';
import { recordHandlers, type AnalyticsApi } from '../api/v1/records';
import { AuditLog } from '../gateway/audit';
import { policyGuard } from '../gateway/guard';
import { cors, requestContext, securityHeaders, sizeLimit, trustedProxies } from '../gateway/http';
import { PolicyTable } from '../gateway/policy';
import { createLimiterStore, LimiterPool } from '../gateway/rate-limit';
import { UsageRecorder } from '../gateway/usage';

/**
 * The security module: its `before` middleware (the gateway) guards every route other modules mount;
 * its routes are the OAuth server (/oauth, /.well-known), the public API (/api/v1) and the security
 * administration API (/api/security). It publishes 'security' (verifiers, clients, rbac, audit) and
 * 'secrets.rotation' (register sealed columns for background re-encryption) for later modules.
 */

/** The audience of every access token this server issues: the sidecar's APIs. */
export const API_AUDIENCE = 'urn:meschain:api';
export const OAUTH_MOUNT = '/oauth';

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export const securityModule: SidecarModule = {
  name: 'security',
  async start(ctx) {
    const { config, knex, logger, opencart, secrets, metrics } = ctx;
    const sec = config.security;
    const storeId = config.opencart.storeId;

    const audit = new AuditLog(knex, storeId, logger);
    const rbac = new RbacStore(knex, storeId);
    await rbac.start();
    const limiterStore = await createLimiterStore(knex, config.redisUrl);
    const tokens = new TokenRegistry(knex);
    const clients = new ClientStore(knex, secrets, storeId);
    const keys = await loadSigningKeys(knex, secrets);
    const issuer = sec.issuer ?? `http://${config.http.host}:${config.http.port}${OAUTH_MOUNT}`;
    const verifier = new AccessTokenVerifier({ issuer, audience: API_AUDIENCE, storeId, publicJwks: keys.publicJwks, registry: tokens, rbac });
    const bridge = sec.bridgeSecret ? new BridgeVerifier({ secret: sec.bridgeSecret, storeId, knex, prefix: opencart.prefix, rbac }) : null;
    const corsOrigins = new Set(list(sec.corsOrigins));
    let proxies: ReturnType<typeof trustedProxies>;
    try {
      proxies = trustedProxies(sec.trustedProxies);
    } catch (err) {
      throw new StartupError(`MESCHAIN_TRUSTED_PROXIES: ${(err as Error).message}`);
    }

    const provider = await createOAuthProvider({
      knex,
      ring: secrets,
      issuer,
      audience: API_AUDIENCE,
      storeId,
      prefix: opencart.prefix,
      keys,
      clients,
      tokens,
      rbac,
      verifier,
      corsOrigins,
      audit,
      logger,
    });
    provider.proxy = proxies !== null;
    const callback = provider.callback();

    const usage = new UsageRecorder(knex, metrics, logger);
    usage.start();
    const rotator = new KeyRotator(knex, secrets, { logger });
    rotator.register(ClientStore.sealedColumn());
    rotator.register(signingKeyColumn());
    rotator.start();

    const limits = {
      read: { pool: new LimiterPool(limiterStore, 'read', 60), perMinute: sec.rateReadPerMinute },
      write: { pool: new LimiterPool(limiterStore, 'write', 60), perMinute: sec.rateWritePerMinute },
      public: { pool: new LimiterPool(limiterStore, 'public', 60), perMinute: sec.ratePublicPerMinute },
      login: { pool: new LimiterPool(limiterStore, 'login_form', 60), perMinute: Math.min(60, sec.ratePublicPerMinute) },
    };
    const before = [
      requestContext(proxies),
      securityHeaders(),
      cors(corsOrigins),
      sizeLimit(sec.bodyLimitBytes),
      policyGuard({ policies: new PolicyTable(), storeId, verifier: () => verifier, bridge, limits, audit, usage }),
    ];

    const oauth = Router();
    oauth.use(
      interactionRouter({
        provider,
        opencart,
        rbac,
        guard: new LoginGuard(limiterStore),
        bridge,
        clients,
        audit,
        bodyLimitBytes: sec.bodyLimitBytes,
        mountPath: mountPathOf(issuer),
        logger,
      }),
    );
    // RFC 8414 metadata: oidc-provider's discovery document, also at the OAuth path.
    const metadata = (req: Request, res: Response) => {
      req.url = '/.well-known/openid-configuration';
      req.originalUrl = `${OAUTH_MOUNT}/.well-known/openid-configuration`;
      callback(req, res);
    };
    oauth.get('/.well-known/oauth-authorization-server', metadata);
    oauth.use((req, res) => callback(req, res));
    const wellKnown = Router();
    wellKnown.get(`/oauth-authorization-server${OAUTH_MOUNT}`, metadata);

    const v1 = buildV1Router(
      {
        ...catalogHandlers(opencart, audit),
        ...recordHandlers(knex, storeId, () => ctx.services.get('analytics') as AnalyticsApi | undefined),
      },
      { bodyLimitBytes: sec.bodyLimitBytes, logger },
    );

    const pruner = setInterval(
      () => {
        void Promise.all([pruneArtifacts(knex), tokens.prune(), limiterStore.prune()]).catch((err: unknown) => logger.warn({ err }, 'pruning OAuth artifacts failed'));
      },
      10 * 60 * 1000,
    );
    pruner.unref();

    const security = { verifier, bridge, clients, rbac, tokens, audit, provider, issuer, audience: API_AUDIENCE, rotator, usage };
    return {
      before,
      routes: [
        { path: OAUTH_MOUNT, router: oauth },
        { path: '/.well-known', router: wellKnown },
        { path: '/api/v1', router: v1 },
        { path: '/api/security', router: adminRouter({ knex, clients, tokens, audit, bodyLimitBytes: sec.bodyLimitBytes }) },
      ],
      provides: { security, 'secrets.rotation': rotator, 'gateway.audit': audit },
      health: async () => ({
        ok: rotator.status.lastError === null,
        issuer,
        rateLimitStore: limiterStore.kind,
        bridge: bridge !== null,
        keyRotation: { currentKeyId: rotator.status.currentKeyId, pending: rotator.status.pending, failed: rotator.status.failed },
      }),
      stop: async () => {
        clearInterval(pruner);
        rbac.stop();
        await rotator.stop();
        await usage.stop().catch(() => undefined);
        await audit.flush();
        await limiterStore.close();
      },
    };
  },
};

export type SecurityService = {
  verifier: AccessTokenVerifier;
  bridge: BridgeVerifier | null;
  clients: ClientStore;
  rbac: RbacStore;
  tokens: TokenRegistry;
  audit: AuditLog;
  issuer: string;
  audience: string;
  rotator: KeyRotator;
  usage: UsageRecorder;
};
