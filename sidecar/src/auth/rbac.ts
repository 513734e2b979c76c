import type { Knex } from 'knex';
import { BUILTIN_ROLES, PERMISSIONS, type BuiltinRole } from './permissions';
import type { OcPermissions } from './opencart-users';

/**
 * Roles and permissions live in meschain_rbac_*; the built-in roles are re-seeded from code at every
 * start (so a new permission reaches them), custom roles are left alone. The role → permissions matrix
 * is held in memory and refreshed in the background, so checking a request never touches the database.
 */

/** The admin extension's route key in OpenCart's permission lists (NOTES §5). */
export const OC_EXTENSION_ROUTE = 'extension/module/meschain';

/**
 * The role an OpenCart user group maps to when no explicit mapping exists, from what OpenCart itself
 * lets the group do: a group that may edit user permissions can grant itself anything, so it is the
 * owner; modify on the extension runs the integration; access alone reads it.
 */
export function roleFromOpencartPermissions(p: OcPermissions): BuiltinRole | null {
  const canModifyExtension = p.modify.includes(OC_EXTENSION_ROUTE);
  const canAccessExtension = canModifyExtension || p.access.includes(OC_EXTENSION_ROUTE);
  if (p.modify.includes('user/user_permission')) return 'owner';
  if (canModifyExtension) return 'manager';
  if (canAccessExtension && (p.modify.includes('sale/order') || p.modify.includes('catalog/product'))) return 'operator';
  if (canAccessExtension) return 'viewer';
  return null;
}

export class RbacStore {
  private matrix = new Map<string, ReadonlySet<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly knex: Knex,
    private readonly storeId: number,
    private readonly refreshMs = 30_000,
  ) {}

  /** Seeds permissions and built-in roles, loads the matrix and keeps it fresh. */
  async start(): Promise<void> {
    await this.ensureBuiltins();
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async ensureBuiltins(): Promise<void> {
    await this.knex.transaction(async (trx) => {
      for (const [name, description] of Object.entries(PERMISSIONS)) {
        await trx.raw('INSERT INTO meschain_rbac_permissions (name, description) VALUES (?, ?) ON DUPLICATE KEY UPDATE description = VALUES(description)', [name, description]);
      }
      for (const [name, role] of Object.entries(BUILTIN_ROLES)) {
        await trx.raw('INSERT INTO meschain_rbac_roles (name, description, builtin) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE description = VALUES(description), builtin = 1', [
          name,
          role.description,
        ]);
        const [rows] = (await trx.raw('SELECT id FROM meschain_rbac_roles WHERE name = ? FOR UPDATE', [name])) as unknown as [Array<{ id: number }>];
        const roleId = rows[0]!.id;
        await trx.raw('DELETE FROM meschain_rbac_role_permissions WHERE role_id = ?', [roleId]);
        await trx.raw(
          `INSERT INTO meschain_rbac_role_permissions (role_id, permission_id)
           SELECT ?, id FROM meschain_rbac_permissions WHERE name IN (${role.permissions.map(() => '?').join(',')})`,
          [roleId, ...role.permissions],
        );
      }
    });
  }

  async reload(): Promise<void> {
    const [rows] = (await this.knex.raw(
      `SELECT r.name AS role, p.name AS permission FROM meschain_rbac_roles r
       LEFT JOIN meschain_rbac_role_permissions rp ON rp.role_id = r.id
       LEFT JOIN meschain_rbac_permissions p ON p.id = rp.permission_id`,
    )) as unknown as [Array<{ role: string; permission: string | null }>];
    const next = new Map<string, Set<string>>();
    for (const r of rows) {
      const set = next.get(r.role) ?? new Set<string>();
      if (r.permission) set.add(r.permission);
      next.set(r.role, set);
    }
    this.matrix = next;
  }

  roleExists(role: string): boolean {
    return this.matrix.has(role);
  }

  /** Union of the roles' permissions (unknown roles give nothing). */
  /** Changes (by identity) whenever the role → permissions matrix is reloaded; lets callers cache what they derived from it. */
  get version(): object {
    return this.matrix;
  }

  permissionsOf(roles: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const role of roles) for (const p of this.matrix.get(role) ?? []) out.add(p);
    return out;
  }

  /** Role of an OpenCart admin user: explicit user mapping, then group mapping, then derived from the group's permissions. */
  async roleForOpencartUser(userId: number, userGroupId: number, groupPermissions: OcPermissions | null): Promise<string | null> {
    const [rows] = (await this.knex.raw(
      `SELECT r.name, 1 AS pri FROM meschain_rbac_user_roles ur JOIN meschain_rbac_roles r ON r.id = ur.role_id WHERE ur.store_id = ? AND ur.oc_user_id = ?
       UNION ALL
       SELECT r.name, 2 AS pri FROM meschain_rbac_group_roles gr JOIN meschain_rbac_roles r ON r.id = gr.role_id WHERE gr.store_id = ? AND gr.oc_user_group_id = ?
       ORDER BY pri LIMIT 1`,
      [this.storeId, userId, this.storeId, userGroupId],
    )) as unknown as [Array<{ name: string }>];
    if (rows[0]) return rows[0].name;
    return groupPermissions ? roleFromOpencartPermissions(groupPermissions) : null;
  }

  /** Assigns a role to every member of an OpenCart user group (or to one user). */
  async assign(target: { userGroupId: number } | { userId: number }, role: string): Promise<void> {
    const [rows] = (await this.knex.raw('SELECT id FROM meschain_rbac_roles WHERE name = ?', [role])) as unknown as [Array<{ id: number }>];
    if (!rows[0]) throw new Error(`unknown role ${role}`);
    if ('userGroupId' in target) {
      await this.knex.raw('REPLACE INTO meschain_rbac_group_roles (store_id, oc_user_group_id, role_id) VALUES (?, ?, ?)', [this.storeId, target.userGroupId, rows[0].id]);
    } else {
      await this.knex.raw('REPLACE INTO meschain_rbac_user_roles (store_id, oc_user_id, role_id) VALUES (?, ?, ?)', [this.storeId, target.userId, rows[0].id]);
    }
  }
}
