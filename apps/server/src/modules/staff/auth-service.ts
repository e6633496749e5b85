import type { FastifyRequest } from 'fastify';
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { audit, type AuditEntry } from '../../platform/audit.js';
import {
  principalOf,
  refreshSession,
  revokeSession,
  startSession,
  type Principal,
  type TokenPair,
} from '../../platform/auth.js';
import { DomainError, unauthenticated } from '../../platform/errors.js';
import { ALL_PERMISSIONS, PERMISSIONS } from '../../platform/permissions.js';
import { roles, staffUserRoles, staffUsers } from '../../platform/schema.js';
import { menusFor } from './menus.js';
import { assertPasswordPolicy, hashPassword, passwordMatches, unknownUserHash } from './password.js';
import { toStaffUserView, type StaffUserView } from './views.js';

/** Consecutive failed logins that lock an account, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

export interface StaffLoginResult extends TokenPair {
  mustChangePassword: boolean;
  user: StaffUserView;
}

/**
 * Password login for staff. An unknown username and a wrong password get the same answer (and take
 * the same time); five consecutive failures lock the account for 15 minutes, during which even the
 * right password is refused. Every failure and every lockout is audited (never the password).
 */
export async function loginStaffUser(
  ctx: AppContext,
  req: FastifyRequest,
  input: { username: string; password: string },
): Promise<StaffLoginResult> {
  const now = ctx.clock.now();
  const [user] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.username, input.username));
  if (!user) {
    await passwordMatches(await unknownUserHash(), input.password);
    await auditAsStaff(ctx, req, null, {
      action: 'staff.login',
      outcome: 'failed',
      detail: { reason: 'invalid_credentials', username: input.username.slice(0, 64) },
    });
    throw invalidCredentials();
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await auditAsStaff(ctx, req, user.id, {
      action: 'staff.login',
      objectType: 'staff_user',
      objectId: user.id,
      outcome: 'denied',
      detail: { reason: 'locked', lockedUntil: user.lockedUntil.toISOString() },
    });
    throw accountLocked(user.lockedUntil);
  }
  if (!(await passwordMatches(user.passwordHash, input.password))) {
    await recordFailedLogin(ctx, req, user.id, now);
  }
  if (!user.enabled) {
    await auditAsStaff(ctx, req, user.id, {
      action: 'staff.login',
      objectType: 'staff_user',
      objectId: user.id,
      outcome: 'denied',
      detail: { reason: 'disabled' },
    });
    throw new DomainError('ACCOUNT_DISABLED', 403, '账号已停用，请联系管理员', 'This account is disabled');
  }
  const [fresh] = await ctx.db
    .update(staffUsers)
    .set({ failedLogins: 0, lockedUntil: null })
    .where(eq(staffUsers.id, user.id))
    .returning();
  const tokens = await startSession(ctx, 'staff', user.id, {
    ip: req.ip,
    userAgent: req.headers['user-agent'],
  });
  await auditAsStaff(ctx, req, user.id, {
    action: 'staff.login',
    objectType: 'staff_user',
    objectId: user.id,
    outcome: 'success',
  });
  const roleCodes = await rolesOf(ctx, user.id);
  return {
    ...tokens,
    mustChangePassword: fresh.mustChangePassword,
    user: toStaffUserView(fresh, roleCodes, now),
  };
}

/**
 * Counts one failure by a single conditional UPDATE (so concurrent failures are all counted) and
 * locks the account when the count reaches the limit; the counter restarts after a lockout.
 */
async function recordFailedLogin(
  ctx: AppContext,
  req: FastifyRequest,
  userId: string,
  now: Date,
): Promise<never> {
  const lockUntil = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000);
  const reaches = sql`${staffUsers.failedLogins} + 1 >= ${MAX_FAILED_LOGINS}`;
  const [after] = await ctx.db
    .update(staffUsers)
    .set({
      failedLogins: sql`CASE WHEN ${reaches} THEN 0 ELSE ${staffUsers.failedLogins} + 1 END`,
      lockedUntil: sql`CASE WHEN ${reaches} THEN ${lockUntil.toISOString()}::timestamptz ELSE ${staffUsers.lockedUntil} END`,
    })
    .where(
      and(eq(staffUsers.id, userId), or(isNull(staffUsers.lockedUntil), lte(staffUsers.lockedUntil, now))),
    )
    .returning({ lockedUntil: staffUsers.lockedUntil });
  const base = { objectType: 'staff_user', objectId: userId } as const;
  if (!after) {
    // A concurrent failure locked the account between our read and this update.
    const [u] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.id, userId));
    throw accountLocked(u?.lockedUntil ?? lockUntil);
  }
  await auditAsStaff(ctx, req, userId, {
    ...base,
    action: 'staff.login',
    outcome: 'failed',
    detail: { reason: 'invalid_credentials' },
  });
  if (after.lockedUntil && after.lockedUntil > now) {
    await auditAsStaff(ctx, req, userId, {
      ...base,
      action: 'staff.account_locked',
      outcome: 'success',
      detail: { lockedUntil: after.lockedUntil.toISOString(), failures: MAX_FAILED_LOGINS },
    });
    throw accountLocked(after.lockedUntil);
  }
  throw invalidCredentials();
}

export async function changeOwnPassword(
  ctx: AppContext,
  req: FastifyRequest,
  input: { oldPassword: string; newPassword: string },
): Promise<void> {
  const me = principalOf(req);
  const [user] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.id, me.id));
  if (!user) throw unauthenticated();
  if (!(await passwordMatches(user.passwordHash, input.oldPassword))) {
    await audit(ctx, req, {
      action: 'staff.change_password',
      objectType: 'staff_user',
      objectId: me.id,
      outcome: 'failed',
      detail: { reason: 'old_password_incorrect' },
    });
    throw new DomainError('OLD_PASSWORD_INCORRECT', 400, '原密码不正确', 'The current password is incorrect');
  }
  assertPasswordPolicy(input.newPassword);
  if (input.newPassword === input.oldPassword) {
    throw new DomainError(
      'PASSWORD_UNCHANGED',
      400,
      '新密码不能与原密码相同',
      'The new password must differ from the current one',
    );
  }
  await ctx.db
    .update(staffUsers)
    .set({
      passwordHash: await hashPassword(input.newPassword),
      mustChangePassword: false,
      updatedAt: ctx.clock.now(),
    })
    .where(eq(staffUsers.id, me.id));
  await audit(ctx, req, { action: 'staff.change_password', objectType: 'staff_user', objectId: me.id });
}

export async function refreshStaffSession(ctx: AppContext, refreshToken: string): Promise<TokenPair> {
  return refreshSession(ctx, refreshToken, 'staff');
}

export async function logoutStaff(ctx: AppContext, req: FastifyRequest): Promise<void> {
  const me = principalOf(req);
  await revokeSession(ctx, me.sessionId);
  await audit(ctx, req, { action: 'staff.logout', objectType: 'staff_user', objectId: me.id });
}

export async function describeMe(ctx: AppContext, req: FastifyRequest) {
  const me = principalOf(req);
  const [user] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.id, me.id));
  if (!user) throw unauthenticated();
  const roleRows = me.roles.length
    ? await ctx.db.select().from(roles).where(inArray(roles.code, me.roles))
    : [];
  const permissions = me.permissions.has(ALL_PERMISSIONS)
    ? [ALL_PERMISSIONS, ...Object.keys(PERMISSIONS)]
    : [...me.permissions].sort();
  return {
    user: toStaffUserView(user, me.roles, ctx.clock.now()),
    roles: roleRows.map((r) => ({ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn })),
    permissions,
    menus: menusFor(me.permissions),
  };
}

export async function rolesOf(ctx: AppContext, staffId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ code: staffUserRoles.roleCode })
    .from(staffUserRoles)
    .where(eq(staffUserRoles.staffId, staffId));
  return rows.map((r) => r.code).sort();
}

/**
 * Audits an event whose actor is a staff user who is not (yet) authenticated on this request, such as
 * a failed login: the row names the account (when it exists), the network address and the time.
 */
function auditAsStaff(
  ctx: AppContext,
  req: FastifyRequest,
  staffId: string | null,
  entry: AuditEntry,
): Promise<void> {
  const principal = { kind: 'staff', id: staffId, sessionId: '', roles: [], permissions: new Set() };
  const asActor = { ip: req.ip, id: req.id, principal: principal as unknown as Principal };
  return audit(ctx, asActor as unknown as FastifyRequest, entry);
}

const invalidCredentials = () =>
  new DomainError('INVALID_CREDENTIALS', 401, '用户名或密码错误', 'Wrong username or password');

const accountLocked = (until: Date) =>
  new DomainError(
    'ACCOUNT_LOCKED',
    423,
    `连续登录失败次数过多，账号已锁定至 ${until.toISOString()}`,
    `Too many failed logins: the account is locked until ${until.toISOString()}`,
    { lockedUntil: until.toISOString() },
  );
