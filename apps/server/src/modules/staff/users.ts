import type { FastifyRequest } from 'fastify';
import { and, asc, count, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { Db, Tx } from '../../db/client.js';
import { audit } from '../../platform/audit.js';
import { principalOf, revokeAllSessions } from '../../platform/auth.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ALL_PERMISSIONS } from '../../platform/permissions.js';
import { rolePermissions, roles, staffUserRoles, staffUsers } from '../../platform/schema.js';
import { assertPasswordPolicy, hashPassword } from './password.js';
import { toStaffUserView, type StaffUserView } from './views.js';
import { liftLoginLocks, liveLocks } from './login-throttle.js';

export interface StaffUserQuery {
  q?: string;
  role?: string;
  enabled?: boolean;
  page: number;
  pageSize: number;
}

export async function listStaffUsers(ctx: AppContext, query: StaffUserQuery) {
  const where: SQL[] = [];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(staffUsers.username, like), ilike(staffUsers.displayName, like))!);
  }
  if (query.enabled !== undefined) where.push(eq(staffUsers.enabled, query.enabled));
  if (query.role) {
    where.push(
      inArray(
        staffUsers.id,
        ctx.db
          .select({ id: staffUserRoles.staffId })
          .from(staffUserRoles)
          .where(eq(staffUserRoles.roleCode, query.role)),
      ),
    );
  }
  const cond = where.length ? and(...where) : undefined;
  const [{ total }] = await ctx.db.select({ total: count() }).from(staffUsers).where(cond);
  const rows = await ctx.db
    .select()
    .from(staffUsers)
    .where(cond)
    .orderBy(asc(staffUsers.username))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  const roleMap = await rolesByUser(
    ctx.db,
    rows.map((r) => r.id),
  );
  const now = ctx.clock.now();
  const locks = await liveLocks(
    ctx,
    rows.map((r) => r.username),
  );
  return {
    items: rows.map((u) => toStaffUserView(u, roleMap.get(u.id) ?? [], now, locks.get(u.username))),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export async function getStaffUser(ctx: AppContext, id: string): Promise<StaffUserView> {
  const [u] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.id, id));
  if (!u) throw staffUserNotFound();
  const roleMap = await rolesByUser(ctx.db, [id]);
  const locks = await liveLocks(ctx, [u.username]);
  return toStaffUserView(u, roleMap.get(id) ?? [], ctx.clock.now(), locks.get(u.username));
}

export interface NewStaffUser {
  username: string;
  displayName: string;
  password: string;
  roles: string[];
  departmentId?: string | null;
  doctorId?: string | null;
}

/** Creates an account with an initial password that the user must replace at first login. */
export async function createStaffUser(
  ctx: AppContext,
  req: FastifyRequest,
  input: NewStaffUser,
): Promise<StaffUserView> {
  assertPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await assertRolesExist(tx, input.roles);
    const inserted = await tx
      .insert(staffUsers)
      .values({
        id,
        username: input.username,
        displayName: input.displayName,
        passwordHash,
        mustChangePassword: true,
        departmentId: input.departmentId ?? null,
        doctorId: input.doctorId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: staffUsers.username })
      .returning({ id: staffUsers.id });
    if (inserted.length === 0) {
      throw conflict('USERNAME_TAKEN', '用户名已存在', 'This username is already taken', {
        username: input.username,
      });
    }
    await setRoles(tx, id, input.roles);
  });
  await audit(ctx, req, {
    action: 'staff.user.create',
    objectType: 'staff_user',
    objectId: id,
    detail: { username: input.username, roles: input.roles },
  });
  return getStaffUser(ctx, id);
}

export interface StaffUserChange {
  displayName?: string;
  roles?: string[];
  enabled?: boolean;
  departmentId?: string | null;
  doctorId?: string | null;
}

/**
 * Edits an account. Disabling ends every session of the user at once. An administrator cannot
 * disable themselves, and the last enabled administrator cannot lose that role or be disabled.
 */
export async function updateStaffUser(
  ctx: AppContext,
  req: FastifyRequest,
  id: string,
  change: StaffUserChange,
): Promise<StaffUserView> {
  const me = principalOf(req);
  if (change.enabled === false && id === me.id) {
    throw conflict('CANNOT_DISABLE_SELF', '不能停用自己的账号', 'You cannot disable your own account');
  }
  const before = await getStaffUser(ctx, id);
  await ctx.db.transaction(async (tx) => {
    const set: Partial<typeof staffUsers.$inferInsert> = { updatedAt: ctx.clock.now() };
    if (change.displayName !== undefined) set.displayName = change.displayName;
    if (change.enabled !== undefined) set.enabled = change.enabled;
    if (change.departmentId !== undefined) set.departmentId = change.departmentId;
    if (change.doctorId !== undefined) set.doctorId = change.doctorId;
    await tx.update(staffUsers).set(set).where(eq(staffUsers.id, id));
    if (change.roles) {
      await assertRolesExist(tx, change.roles);
      await tx.delete(staffUserRoles).where(eq(staffUserRoles.staffId, id));
      await setRoles(tx, id, change.roles);
    }
    await assertAnAdministratorRemains(tx);
  });
  if (change.enabled === false && before.enabled) await revokeAllSessions(ctx, 'staff', id);
  await audit(ctx, req, {
    action: change.enabled === false ? 'staff.user.disable' : 'staff.user.update',
    objectType: 'staff_user',
    objectId: id,
    detail: { changed: Object.keys(change), roles: change.roles, enabled: change.enabled },
  });
  return getStaffUser(ctx, id);
}

/** Lifts the account's login locks from every address and closes its alerts (audited). */
export async function unlockStaffUser(ctx: AppContext, req: FastifyRequest, id: string) {
  const [user] = await ctx.db
    .update(staffUsers)
    .set({ updatedAt: ctx.clock.now() })
    .where(eq(staffUsers.id, id))
    .returning({ id: staffUsers.id, username: staffUsers.username });
  if (!user) throw staffUserNotFound();
  const wasLocked = (await liveLocks(ctx, [user.username])).has(user.username);
  await liftLoginLocks(ctx, user, principalOf(req).id);
  await audit(ctx, req, {
    action: 'staff.user.unlock',
    objectType: 'staff_user',
    objectId: id,
    detail: { wasLocked },
  });
  return getStaffUser(ctx, id);
}

/**
 * Sets a new initial password: the user must change it at the next login, any lockout is lifted,
 * and every session the user had is ended.
 */
export async function resetStaffPassword(
  ctx: AppContext,
  req: FastifyRequest,
  id: string,
  newPassword: string,
) {
  assertPasswordPolicy(newPassword);
  const passwordHash = await hashPassword(newPassword);
  const updated = await ctx.db
    .update(staffUsers)
    .set({
      passwordHash,
      mustChangePassword: true,
      updatedAt: ctx.clock.now(),
    })
    .where(eq(staffUsers.id, id))
    .returning({ id: staffUsers.id, username: staffUsers.username });
  if (!updated.length) throw staffUserNotFound();
  await liftLoginLocks(ctx, updated[0], principalOf(req).id);
  await revokeAllSessions(ctx, 'staff', id);
  await audit(ctx, req, { action: 'staff.user.reset_password', objectType: 'staff_user', objectId: id });
  return getStaffUser(ctx, id);
}

async function rolesByUser(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (!ids.length) return map;
  const rows = await db
    .select()
    .from(staffUserRoles)
    .where(inArray(staffUserRoles.staffId, ids))
    .orderBy(asc(staffUserRoles.roleCode));
  for (const r of rows) map.set(r.staffId, [...(map.get(r.staffId) ?? []), r.roleCode]);
  return map;
}

async function assertRolesExist(tx: Tx, codes: string[]) {
  if (!codes.length) return;
  const found = await tx.select({ code: roles.code }).from(roles).where(inArray(roles.code, codes));
  const missing = codes.filter((c) => !found.some((f) => f.code === c));
  if (missing.length) throw badRequest('ROLE_NOT_FOUND', '角色不存在', 'Unknown role', { roles: missing });
}

async function setRoles(tx: Tx, staffId: string, codes: string[]) {
  const unique = [...new Set(codes)];
  if (unique.length) {
    await tx.insert(staffUserRoles).values(unique.map((roleCode) => ({ staffId, roleCode })));
  }
}

/** Somebody must always be able to manage accounts: at least one enabled user holds '*'. */
export async function assertAnAdministratorRemains(tx: Tx) {
  const [{ n }] = await tx
    .select({ n: sql<number>`count(distinct ${staffUsers.id})::int` })
    .from(staffUsers)
    .innerJoin(staffUserRoles, eq(staffUserRoles.staffId, staffUsers.id))
    .innerJoin(rolePermissions, eq(rolePermissions.roleCode, staffUserRoles.roleCode))
    .where(and(eq(staffUsers.enabled, true), eq(rolePermissions.permission, ALL_PERMISSIONS)));
  if (n < 1) {
    throw conflict(
      'LAST_ADMINISTRATOR',
      '至少需要保留一名启用的系统管理员',
      'At least one enabled administrator must remain',
    );
  }
}

const staffUserNotFound = () => notFound('staff user', '用户');
