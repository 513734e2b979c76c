import type { Permission } from '../auth/permissions';

/**
 * THE policy table: every route the sidecar serves (its own and the other modules', by path prefix)
 * and what it needs. The gateway enforces it for every request after /health and /metrics; the RBAC
 * matrix test walks it. First match wins, so specific entries come before prefix wildcards. Any /api
 * route not listed is refused (default deny), even if some module mounted a handler for it.
 *
 * access: 'public' (no token; per-IP limits only), 'authenticated' (any valid principal), or the
 * permission a principal needs (an OAuth token needs the scope of the same name as well).
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RateClass = 'read' | 'write' | 'public' | 'login';
export type Access = 'public' | 'authenticated' | Permission;

export interface RoutePolicy {
  methods: readonly Method[];
  /** Express-style: `:name` matches one segment; a trailing `/*` matches the prefix itself and anything below. */
  path: string;
  access: Access;
  rate: RateClass;
  /** Served by another module; the gateway only guards it. */
  owner: 'security' | 'marketplaces' | 'orders' | 'analytics';
}

const READ: Method[] = ['GET'];
const WRITE: Method[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
const ANY: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

const rw = (path: string, owner: RoutePolicy['owner'], read: Permission, write: Permission): RoutePolicy[] => [
  { methods: READ, path, access: read, rate: 'read', owner },
  { methods: WRITE, path, access: write, rate: 'write', owner },
];

export const POLICIES: readonly RoutePolicy[] = [
  // Public API v1 (this module).
  { methods: READ, path: '/api/v1/openapi.json', access: 'public', rate: 'public', owner: 'security' },
  { methods: READ, path: '/api/v1/products', access: 'products:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/products/:productId', access: 'products:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/listings', access: 'listings:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/listings/:listingId', access: 'listings:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/orders', access: 'orders:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/orders/:orderId', access: 'orders:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/stock/:productId', access: 'stock:read', rate: 'read', owner: 'security' },
  { methods: ['PUT'], path: '/api/v1/stock/:productId', access: 'stock:write', rate: 'write', owner: 'security' },
  { methods: ['PUT'], path: '/api/v1/stock/:productId/options/:productOptionValueId', access: 'stock:write', rate: 'write', owner: 'security' },
  { methods: READ, path: '/api/v1/sync/jobs', access: 'sync:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/sync/jobs/:jobId', access: 'sync:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/analytics/summary', access: 'analytics:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/v1/analytics/forecast/:productId', access: 'analytics:read', rate: 'read', owner: 'security' },

  // Security administration (this module).
  { methods: READ, path: '/api/security/me', access: 'authenticated', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/security/clients', access: 'security:admin', rate: 'read', owner: 'security' },
  { methods: ['POST'], path: '/api/security/clients', access: 'security:admin', rate: 'write', owner: 'security' },
  { methods: ['POST'], path: '/api/security/clients/:clientId/disable', access: 'security:admin', rate: 'write', owner: 'security' },
  { methods: READ, path: '/api/security/audit', access: 'audit:read', rate: 'read', owner: 'security' },
  { methods: READ, path: '/api/security/usage', access: 'audit:read', rate: 'read', owner: 'security' },

  // Admin APIs of the other modules (coordinated by prefix).
  ...rw('/api/marketplaces/*', 'marketplaces', 'marketplaces:read', 'marketplaces:write'),
  ...rw('/api/sync/*', 'marketplaces', 'sync:read', 'sync:run'),
  ...rw('/api/variants/*', 'marketplaces', 'variants:read', 'variants:write'),
  ...rw('/api/orders/*', 'orders', 'orders:read', 'orders:write'),
  ...rw('/api/analytics/*', 'analytics', 'analytics:read', 'analytics:write'),

  // Marketplace webhooks: the orders module authenticates the marketplace itself.
  { methods: ANY, path: '/webhooks/:marketplace/*', access: 'public', rate: 'public', owner: 'orders' },

  // OAuth server: sign-in forms get the login limits; everything else the per-IP public limit.
  { methods: ['POST'], path: '/oauth/interaction/:uid/login', access: 'public', rate: 'login', owner: 'security' },
  { methods: ['POST'], path: '/oauth/interaction/:uid/bridge', access: 'public', rate: 'login', owner: 'security' },
  { methods: ANY, path: '/oauth/*', access: 'public', rate: 'public', owner: 'security' },
  { methods: READ, path: '/.well-known/*', access: 'public', rate: 'public', owner: 'security' },
];

export interface PolicyMatch {
  policy: RoutePolicy;
  /** The pattern, for metrics and usage (never the concrete path: bounded cardinality). */
  route: string;
}

interface Compiled {
  policy: RoutePolicy;
  re: RegExp;
}

function compile(path: string): RegExp {
  const wildcard = path.endsWith('/*');
  const base = wildcard ? path.slice(0, -2) : path;
  const body = base
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}${wildcard ? '(?:/.*)?' : '/?'}$`, 'i');
}

export class PolicyTable {
  private readonly compiled: Compiled[];

  constructor(readonly policies: readonly RoutePolicy[] = POLICIES) {
    this.compiled = policies.map((policy) => ({ policy, re: compile(policy.path) }));
  }

  /** HEAD is checked as GET. Case-insensitive, as express routes by default (else /API/… would slip past). */
  match(method: string, path: string): PolicyMatch | null {
    const m = (method === 'HEAD' ? 'GET' : method) as Method;
    for (const c of this.compiled) {
      if (c.policy.methods.includes(m) && c.re.test(path)) return { policy: c.policy, route: `${m} ${c.policy.path}` };
    }
    return null;
  }

  /** Whether any entry covers the path with some other method (405 rather than 404). */
  pathKnown(path: string): boolean {
    return this.compiled.some((c) => c.re.test(path));
  }
}

/** Paths the gateway refuses unless the table lists them. */
export function isGuardedPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === '/api' || p.startsWith('/api/');
}
