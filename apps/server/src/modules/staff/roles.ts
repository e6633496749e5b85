import type { FastifyRequest } from 'fastify';
import { asc, count, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { ALL_PERMISSIONS, PERMISSIONS } from '../../platform/permissions.js';
import { rolePermissions, roles, staffUserRoles } from '../../platform/schema.js';

export const ADMIN_ROLE = 'admin';

export interface RoleView {
  code: string;
  nameZh: string;
  nameEn: string;
  builtin: boolean;
  permissions: string[];
  userCount: number;
}

export async function listRoles(ctx: AppContext): Promise<RoleView[]> {
  const rows = await ctx.db.select().from(roles).orderBy(asc(roles.code));
  const perms = await ctx.db.select().from(rolePermissions).orderBy(asc(rolePermissions.permission));
  const users = await ctx.db
    .select({ code: staffUserRoles.roleCode, n: count() })
    .from(staffUserRoles)
    .groupBy(staffUserRoles.roleCode);
  return rows.map((r) => ({
    code: r.code,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    builtin: r.builtin,
    permissions: perms.filter((p) => p.roleCode === r.code).map((p) => p.permission),
    userCount: users.find((u) => u.code === r.code)?.n ?? 0,
  }));
}

export async function getRole(ctx: AppContext, code: string): Promise<RoleView> {
  const role = (await listRoles(ctx)).find((r) => r.code === code);
  if (!role) throw roleNotFound();
  return role;
}

export async function createRole(
  ctx: AppContext,
  req: FastifyRequest,
  input: { code: string; nameZh: string; nameEn: string; permissions: string[] },
): Promise<RoleView> {
  assertGrantable(input.permissions);
  await ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(roles)
      .values({ code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, builtin: false })
      .onConflictDoNothing()
      .returning({ code: roles.code });
    if (!inserted.length) throw conflict('ROLE_EXISTS', '角色编码已存在', 'A role with this code exists');
    const unique = [...new Set(input.permissions)];
    if (unique.length) {
      await tx
        .insert(rolePermissions)
        .values(unique.map((permission) => ({ roleCode: input.code, permission })));
    }
  });
  await audit(ctx, req, {
    action: 'staff.role.create',
    objectType: 'role',
    objectId: input.code,
    detail: { permissions: input.permissions },
  });
  return getRole(ctx, input.code);
}

/**
 * Renames a role or replaces its permissions; holders feel the change on their next request.
 * The administrator role always keeps '*', so nobody can lock the hospital out of its own console.
 */
export async function updateRole(
  ctx: AppContext,
  req: FastifyRequest,
  code: string,
  change: { nameZh?: string; nameEn?: string; permissions?: string[] },
): Promise<RoleView> {
  const before = await getRole(ctx, code);
  if (change.permissions) {
    if (code === ADMIN_ROLE) {
      const keepsAll = change.permissions.length === 1 && change.permissions[0] === ALL_PERMISSIONS;
      if (!keepsAll) {
        throw conflict(
          'ADMIN_ROLE_FIXED',
          '系统管理员角色始终拥有全部权限',
          'The administrator role always holds every permission',
        );
      }
    } else {
      assertGrantable(change.permissions);
    }
  }
  await ctx.db.transaction(async (tx) => {
    if (change.nameZh !== undefined || change.nameEn !== undefined) {
      await tx
        .update(roles)
        .set({ nameZh: change.nameZh ?? before.nameZh, nameEn: change.nameEn ?? before.nameEn })
        .where(eq(roles.code, code));
    }
    if (change.permissions && code !== ADMIN_ROLE) {
      await tx.delete(rolePermissions).where(eq(rolePermissions.roleCode, code));
      const unique = [...new Set(change.permissions)];
      if (unique.length) {
        await tx.insert(rolePermissions).values(unique.map((permission) => ({ roleCode: code, permission })));
      }
    }
  });
  await audit(ctx, req, {
    action: 'staff.role.update',
    objectType: 'role',
    objectId: code,
    detail: {
      before: before.permissions,
      after: change.permissions,
      renamed: change.nameZh !== undefined || change.nameEn !== undefined,
    },
  });
  return getRole(ctx, code);
}

/** Builtin roles stay; a custom role can go once nobody holds it. */
export async function deleteRole(ctx: AppContext, req: FastifyRequest, code: string): Promise<void> {
  const role = await getRole(ctx, code);
  if (role.builtin) {
    throw conflict('BUILTIN_ROLE', '内置角色不能删除', 'Builtin roles cannot be deleted');
  }
  await ctx.db.transaction(async (tx) => {
    const [{ n }] = await tx
      .select({ n: count() })
      .from(staffUserRoles)
      .where(eq(staffUserRoles.roleCode, code));
    if (n > 0) {
      throw conflict('ROLE_IN_USE', '仍有用户使用该角色，不能删除', 'Users still hold this role', {
        users: n,
      });
    }
    await tx.delete(rolePermissions).where(eq(rolePermissions.roleCode, code));
    await tx.delete(roles).where(eq(roles.code, code));
  });
  await audit(ctx, req, { action: 'staff.role.delete', objectType: 'role', objectId: code });
}

function assertGrantable(permissions: string[]) {
  const unknown = permissions.filter((p) => !(p in PERMISSIONS));
  if (unknown.length) {
    throw badRequest('UNKNOWN_PERMISSION', '权限不存在', 'Unknown permission', { permissions: unknown });
  }
}

const roleNotFound = () => notFound('role', '角色');
