import express, { Router, type Request, type Response } from 'express';
import type { Provider } from 'oidc-provider';
import type { OcContext } from '../../db/opencart';
import type { Logger } from '../../util/logger';
import type { BridgeVerifier } from '../bridge';
import { AuthError } from '../errors';
import type { LoginGuard } from '../login-guard';
import { getUserGroupPermissions, loginKeyOf, opencartLoginLocked, verifyOpencartLogin } from '../opencart-users';
import { accountIdOf } from '../principal';
import type { RbacStore } from '../rbac';
import type { ClientStore } from './clients';
import { consentPage, errorPage, loginPage, pickLang, type Lang } from './pages';
import type { AuditSink } from './provider';

/**
 * The sign-in and consent steps of the authorization code flow. The store owner signs in with their
 * OpenCart admin username and password (checked with OpenCart's own scheme, behind brute-force limits)
 * or arrives from the OpenCart admin with a bridge token; then approves the scopes the app asked for.
 */

export interface InteractionDeps {
  provider: Provider;
  opencart: OcContext;
  rbac: RbacStore;
  guard: LoginGuard;
  bridge: BridgeVerifier | null;
  clients: ClientStore;
  audit: AuditSink;
  bodyLimitBytes: number;
  mountPath: string;
  logger: Logger;
}

const UID_RE = /^[A-Za-z0-9_-]{10,64}$/;

export function interactionRouter(deps: InteractionDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: deps.bodyLimitBytes, parameterLimit: 20 });
  const base = (uid: string) => `${deps.mountPath}/interaction/${uid}`;
  const ipOf = (res: Response) => (typeof res.locals.clientIp === 'string' ? res.locals.clientIp : '');

  function lang(req: Request, params?: Record<string, unknown>): Lang {
    return pickLang(req.query.lang, req.get('accept-language'), params?.ui_locales);
  }

  function switchHref(req: Request, l: Lang): string {
    return `${req.baseUrl}${req.path}?lang=${l === 'tr' ? 'en' : 'tr'}`;
  }

  function fail(res: Response, req: Request, status: number, code: string, description: string): void {
    res.status(status).type('html').send(errorPage(lang(req), code, description));
  }

  async function details(req: Request, res: Response) {
    const uid = String(req.params.uid ?? '');
    if (!UID_RE.test(uid)) return null;
    try {
      const d = await deps.provider.interactionDetails(req, res);
      return d.uid === uid ? d : null;
    } catch {
      return null;
    }
  }

  async function finishLogin(req: Request, res: Response, userId: number, username: string, how: string): Promise<void> {
    deps.audit.write({ action: 'auth.login', outcome: 'success', actorType: 'user', actorId: accountIdOf(userId), ip: ipOf(res), detail: { how, username } });
    await deps.provider.interactionFinished(req, res, { login: { accountId: accountIdOf(userId) } }, { mergeWithLastSubmission: false });
  }

  router.get('/interaction/:uid', async (req, res, next) => {
    try {
      const d = await details(req, res);
      if (!d) return fail(res, req, 400, 'invalid_request', 'interaction session not found or expired');
      const l = lang(req, d.params);
      const uid = d.uid;
      if (d.prompt.name === 'login') {
        res.type('html').send(loginPage({ lang: l, action: `${base(uid)}/login`, switchHref: switchHref(req, l) }));
        return;
      }
      if (d.prompt.name === 'consent') {
        const client = await deps.clients.get(String(d.params.client_id ?? ''));
        const missing = (d.prompt.details.missingResourceScopes ?? {}) as Record<string, string[]>;
        const scopes = [...new Set(Object.values(missing).flat())];
        res.type('html').send(consentPage({ lang: l, action: `${base(uid)}/confirm`, abortAction: `${base(uid)}/abort`, clientName: client?.name ?? 'App', scopes, switchHref: switchHref(req, l) }));
        return;
      }
      fail(res, req, 400, 'invalid_request', `unsupported prompt ${d.prompt.name}`);
    } catch (err) {
      next(err);
    }
  });

  router.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      const d = await details(req, res);
      if (!d || d.prompt.name !== 'login') return fail(res, req, 400, 'invalid_request', 'interaction session not found or expired');
      const l = lang(req, d.params);
      const username = typeof req.body?.username === 'string' ? req.body.username.slice(0, 64) : '';
      const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, 256) : '';
      const action = `${base(d.uid)}/login`;
      const page = (status: number, error: 'failed' | 'noRole' | 'locked') =>
        res.status(status).type('html').send(loginPage({ lang: l, action, error, username }));
      const ip = ipOf(res);
      // Another spelling of the same account must not start a fresh count.
      const guardKey = await loginKeyOf(deps.opencart.knex, deps.opencart.prefix, username);
      const check = await deps.guard.check(guardKey, ip);
      if (!check.allowed || (await opencartLoginLocked(deps.opencart.knex, deps.opencart, username))) {
        if (!check.allowed) res.setHeader('Retry-After', String(check.retryAfterSeconds));
        deps.audit.write({ action: 'auth.login_locked', outcome: 'denied', actorType: 'anonymous', ip, detail: { username } });
        return page(429, 'locked');
      }
      const user = await verifyOpencartLogin(deps.opencart.knex, deps.opencart.prefix, username, password);
      if (!user) {
        await deps.guard.failed(guardKey, ip);
        deps.audit.write({ action: 'auth.login_failed', outcome: 'failure', actorType: 'anonymous', ip, detail: { username } });
        return page(401, 'failed');
      }
      await deps.guard.succeeded(guardKey, ip);
      const role = await deps.rbac.roleForOpencartUser(user.userId, user.userGroupId, await getUserGroupPermissions(deps.opencart.knex, deps.opencart.prefix, user.userGroupId));
      if (!role) {
        deps.audit.write({ action: 'auth.login_denied', outcome: 'denied', actorType: 'user', actorId: accountIdOf(user.userId), ip, detail: { reason: 'no role' } });
        return page(403, 'noRole');
      }
      await finishLogin(req, res, user.userId, user.username, 'password');
    } catch (err) {
      next(err);
    }
  });

  router.post('/interaction/:uid/bridge', form, async (req, res, next) => {
    try {
      const d = await details(req, res);
      if (!d || d.prompt.name !== 'login') return fail(res, req, 400, 'invalid_request', 'interaction session not found or expired');
      const token = typeof req.body?.bridge_token === 'string' ? req.body.bridge_token : '';
      if (!deps.bridge || !token) return fail(res, req, 400, 'invalid_request', 'admin bridge is not configured or no token was sent');
      try {
        const principal = await deps.bridge.verify(token);
        await finishLogin(req, res, principal.userId!, principal.username ?? '', 'bridge');
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        deps.audit.write({ action: 'auth.bridge_rejected', outcome: 'failure', actorType: 'anonymous', ip: ipOf(res), detail: { reason: err.code } });
        res.status(401).type('html').send(loginPage({ lang: lang(req, d.params), action: `${base(d.uid)}/login`, error: 'bridgeFailed' }));
      }
    } catch (err) {
      next(err);
    }
  });

  router.post('/interaction/:uid/confirm', form, async (req, res, next) => {
    try {
      const d = await details(req, res);
      if (!d || d.prompt.name !== 'consent' || !d.session?.accountId) return fail(res, req, 400, 'invalid_request', 'interaction session not found or expired');
      const clientId = String(d.params.client_id ?? '');
      const grant = (d.grantId ? await deps.provider.Grant.find(d.grantId) : undefined) ?? new deps.provider.Grant({ accountId: d.session.accountId, clientId });
      const pd = d.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (pd.missingOIDCScope?.length) grant.addOIDCScope(pd.missingOIDCScope.join(' '));
      for (const [indicator, scopes] of Object.entries(pd.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      deps.audit.write({ action: 'oauth.consent', outcome: 'success', actorType: 'user', actorId: d.session.accountId, clientId, ip: ipOf(res), detail: { scopes: pd.missingResourceScopes ?? {} } });
      await deps.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (err) {
      next(err);
    }
  });

  router.post('/interaction/:uid/abort', form, async (req, res, next) => {
    try {
      const d = await details(req, res);
      if (!d) return fail(res, req, 400, 'invalid_request', 'interaction session not found or expired');
      deps.audit.write({ action: 'oauth.consent_denied', outcome: 'denied', actorType: d.session?.accountId ? 'user' : 'anonymous', actorId: d.session?.accountId ?? null, ip: ipOf(res) });
      await deps.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the store owner denied access' }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
