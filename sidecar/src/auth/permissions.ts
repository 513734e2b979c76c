/**
 * The sidecar's permissions and the built-in roles (seeded into meschain_rbac_* at start). A permission
 * is also the name of the OAuth scope that lets a token use it, so "what may this token do" is always
 * role permissions ∩ granted scopes.
 */

export const PERMISSIONS = {
  'products:read': 'Read the catalog',
  'listings:read': 'Read marketplace listings',
  'listings:write': 'Create, change and remove listings',
  'orders:read': 'Read orders',
  'orders:write': 'Import, acknowledge, ship and cancel orders',
  'stock:read': 'Read stock levels',
  'stock:write': 'Change stock levels',
  'sync:read': 'Read sync jobs and state',
  'sync:run': 'Start syncs and reconciliations',
  'marketplaces:read': 'Read marketplace accounts and mappings',
  'marketplaces:write': 'Connect marketplaces, change credentials and mappings',
  'variants:read': 'Read variant mappings',
  'variants:write': 'Change variant mappings',
  'analytics:read': 'Read forecasts, anomalies and recommendations',
  'analytics:write': 'Retrain models, dismiss anomalies and recommendations',
  'audit:read': 'Read the audit log and API usage',
  'security:admin': 'Manage API clients, roles and keys',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

const READS = ALL_PERMISSIONS.filter((p) => p.endsWith(':read') && p !== 'audit:read');

export const ROLE_NAMES = ['owner', 'manager', 'operator', 'viewer', 'api-client'] as const;
export type BuiltinRole = (typeof ROLE_NAMES)[number];

export const BUILTIN_ROLES: Record<BuiltinRole, { description: string; permissions: Permission[] }> = {
  owner: { description: 'Store owner: everything', permissions: [...ALL_PERMISSIONS] },
  manager: { description: 'Runs the integration; cannot manage API clients or keys', permissions: ALL_PERMISSIONS.filter((p) => p !== 'security:admin') },
  operator: {
    description: 'Day-to-day work: orders, stock, listings, syncs',
    permissions: [...READS, 'orders:write', 'stock:write', 'listings:write', 'variants:write', 'sync:run'],
  },
  viewer: { description: 'Read only', permissions: [...READS] },
  'api-client': {
    description: 'Server-to-server API clients (narrowed further by their scopes)',
    permissions: ['products:read', 'listings:read', 'orders:read', 'stock:read', 'stock:write', 'sync:read', 'analytics:read'],
  },
};

/** Scopes a client may be granted: every permission except administration, which only the admin bridge carries. */
export const GRANTABLE_SCOPES: Permission[] = ALL_PERMISSIONS.filter((p) => p !== 'security:admin');

export function isPermission(value: string): value is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}
