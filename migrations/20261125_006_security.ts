import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { createTable } from './helpers';

/**
 * Tables for the OAuth 2.0 server, RBAC, the API gateway (clients, rate limits, usage) and the audit
 * log. InnoDB, UTC. Nothing secret is stored in plain text: OAuth artifact ids (authorization codes,
 * refresh tokens, session ids) are stored as SHA-256 hashes, client secrets and signing keys as
 * AES-256-GCM envelopes (sidecar/src/crypto/secrets.ts).
 */

const TABLES = [
  'meschain_audit_log',
  'meschain_api_usage_latency',
  'meschain_api_usage',
  'meschain_api_rate_limits',
  'meschain_rbac_group_roles',
  'meschain_rbac_user_roles',
  'meschain_rbac_role_permissions',
  'meschain_rbac_permissions',
  'meschain_rbac_roles',
  'meschain_oauth_tokens',
  'meschain_oauth_artifacts',
  'meschain_oauth_keys',
  'meschain_api_clients',
];

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  // OAuth clients of the API (mobile app, third-party servers). One store each.
  await createTable(knex, 'meschain_api_clients', (t) => {
    t.increments('id').primary();
    t.string('client_id', 64).notNullable().unique('meschain_api_clients_client_id');
    t.string('name', 128).notNullable();
    t.integer('store_id').notNullable().defaultTo(0);
    t.string('type', 16).notNullable().comment('public (PKCE, no secret) or confidential');
    t.string('auth_method', 32).notNullable().comment('none, client_secret_basic or client_secret_post');
    t.binary('secret_enc').nullable().comment('AES-256-GCM envelope of the client secret');
    t.string('secret_key_id', 32).nullable();
    t.json('redirect_uris').notNullable();
    t.json('grant_types').notNullable();
    t.string('scope', 1024).notNullable().defaultTo('');
    t.string('role', 64).notNullable().defaultTo('api-client').comment('RBAC role of client-credentials tokens');
    t.json('ip_allowlist').notNullable().comment('CIDRs/addresses; empty = any');
    t.integer('rate_limit_per_minute').nullable().comment('overrides the default read/write limits');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
  });

  // Token signing keys (the private half sealed; the public JWK in clear for verification).
  await createTable(knex, 'meschain_oauth_keys', (t) => {
    t.string('kid', 64).primary();
    t.string('alg', 16).notNullable();
    t.binary('private_enc').notNullable();
    t.string('private_key_id', 32).notNullable();
    t.json('public_jwk').notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('retired_at', { precision: 3 }).nullable();
  });

  // oidc-provider's storage (codes, refresh tokens, grants, sessions, interactions…), one row per artifact.
  await createTable(knex, 'meschain_oauth_artifacts', (t) => {
    t.string('model', 40).notNullable();
    t.specificType('id_hash', 'BINARY(32)').notNullable().comment('SHA-256 of the artifact id (the id of a code or token is the token)');
    t.specificType('payload', 'MEDIUMTEXT').notNullable();
    t.string('grant_id', 64).nullable();
    t.specificType('uid_hash', 'BINARY(32)').nullable();
    t.specificType('user_code_hash', 'BINARY(32)').nullable();
    t.datetime('expires_at', { precision: 3 }).nullable();
    t.datetime('consumed_at', { precision: 3 }).nullable();
    t.primary(['model', 'id_hash']);
    t.index(['grant_id'], 'meschain_oauth_artifacts_grant');
    t.index(['uid_hash'], 'meschain_oauth_artifacts_uid');
    t.index(['user_code_hash'], 'meschain_oauth_artifacts_user_code');
    t.index(['expires_at'], 'meschain_oauth_artifacts_expiry');
  });

  // JWT access tokens are self-contained; this registry is what makes them revocable.
  await createTable(knex, 'meschain_oauth_tokens', (t) => {
    t.string('jti', 64).primary();
    t.string('grant_id', 64).nullable();
    t.string('client_id', 64).notNullable();
    t.string('account_id', 64).nullable();
    t.integer('store_id').notNullable();
    t.datetime('expires_at', { precision: 3 }).notNullable();
    t.datetime('revoked_at', { precision: 3 }).nullable();
    t.index(['grant_id'], 'meschain_oauth_tokens_grant');
    t.index(['expires_at'], 'meschain_oauth_tokens_expiry');
  });

  await createTable(knex, 'meschain_rbac_roles', (t) => {
    t.increments('id').primary();
    t.string('name', 64).notNullable().unique('meschain_rbac_roles_name');
    t.string('description', 255).notNullable().defaultTo('');
    t.boolean('builtin').notNullable().defaultTo(false);
  });
  await createTable(knex, 'meschain_rbac_permissions', (t) => {
    t.increments('id').primary();
    t.string('name', 64).notNullable().unique('meschain_rbac_permissions_name');
    t.string('description', 255).notNullable().defaultTo('');
  });
  await createTable(knex, 'meschain_rbac_role_permissions', (t) => {
    t.integer('role_id').unsigned().notNullable().references('meschain_rbac_roles.id').onDelete('CASCADE');
    t.integer('permission_id').unsigned().notNullable().references('meschain_rbac_permissions.id').onDelete('CASCADE');
    t.primary(['role_id', 'permission_id']);
  });
  // Explicit role of an OpenCart admin user (wins over the group mapping).
  await createTable(knex, 'meschain_rbac_user_roles', (t) => {
    t.integer('store_id').notNullable();
    t.integer('oc_user_id').notNullable();
    t.integer('role_id').unsigned().notNullable().references('meschain_rbac_roles.id').onDelete('CASCADE');
    t.primary(['store_id', 'oc_user_id']);
  });
  // Role of every member of an OpenCart user group (wins over the mapping derived from its permissions).
  await createTable(knex, 'meschain_rbac_group_roles', (t) => {
    t.integer('store_id').notNullable();
    t.integer('oc_user_group_id').notNullable();
    t.integer('role_id').unsigned().notNullable().references('meschain_rbac_roles.id').onDelete('CASCADE');
    t.primary(['store_id', 'oc_user_group_id']);
  });

  // rate-limiter-flexible's MySQL store, with its own column layout.
  await createTable(knex, 'meschain_api_rate_limits', (t) => {
    t.string('key', 255).notNullable().primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire').unsigned().nullable();
    t.index(['expire'], 'meschain_api_rate_limits_expire');
  });

  // Usage per client, route and minute; latency as a histogram so percentiles merge across processes.
  await createTable(knex, 'meschain_api_usage', (t) => {
    t.datetime('bucket_start').notNullable();
    t.string('client_id', 64).notNullable().comment("OAuth client id, 'bridge', 'user' or 'anonymous'");
    t.string('method', 8).notNullable();
    t.string('route', 191).notNullable().comment('policy pattern, e.g. /api/v1/products/:id');
    t.integer('requests').unsigned().notNullable().defaultTo(0);
    t.integer('client_errors').unsigned().notNullable().defaultTo(0);
    t.integer('server_errors').unsigned().notNullable().defaultTo(0);
    t.integer('rate_limited').unsigned().notNullable().defaultTo(0);
    t.bigInteger('total_ms').unsigned().notNullable().defaultTo(0);
    t.primary(['bucket_start', 'client_id', 'method', 'route']);
    t.index(['client_id', 'bucket_start'], 'meschain_api_usage_client');
  });
  await createTable(knex, 'meschain_api_usage_latency', (t) => {
    t.datetime('bucket_start').notNullable();
    t.string('client_id', 64).notNullable();
    t.string('method', 8).notNullable();
    t.string('route', 191).notNullable();
    t.integer('le_ms').notNullable().comment('upper bound of the latency bucket; 0 = above the largest');
    t.integer('count').unsigned().notNullable().defaultTo(0);
    t.primary(['bucket_start', 'client_id', 'method', 'route', 'le_ms']);
  });

  await createTable(knex, 'meschain_audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.datetime('at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.integer('store_id').nullable();
    t.string('actor_type', 16).notNullable().comment('user, client, bridge, anonymous');
    t.string('actor_id', 64).nullable();
    t.string('client_id', 64).nullable();
    t.string('action', 64).notNullable().comment('e.g. api.write, auth.login_failed, auth.token_rejected');
    t.string('outcome', 16).notNullable().comment('success, failure, denied');
    t.string('method', 8).nullable();
    t.string('path', 512).nullable();
    t.integer('status').nullable();
    t.string('ip', 45).nullable();
    t.string('user_agent', 255).nullable();
    t.string('request_id', 64).nullable();
    t.json('detail').nullable();
    t.index(['at'], 'meschain_audit_log_at');
    t.index(['actor_type', 'actor_id', 'at'], 'meschain_audit_log_actor');
    t.index(['action', 'at'], 'meschain_audit_log_action');
  });
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  for (const table of TABLES) await knex.schema.dropTableIfExists(table);
}
