import type { FastifyRequest } from 'fastify';
import { eq, inArray } from 'drizzle-orm';
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
import { ALL_PERMISSIONS, PERMISSIONS, holds } from '../../platform/permissions.js';
import { roles, staffUserRoles, staffUsers } from '../../platform/schema.js';
import { menusFor } from './menus.js';
import { assertPasswordPolicy, hashPassword, passwordMatches, unknownUserHash } from './password.js';
import { toStaffUserView, type StaffUserView } from './views.js';
import {
  assertLoginAllowed,
  clearLoginFailures,
  countOpenAlerts,
  liveLocks,
  recordLoginFailure,
} from './login-throttle.js';

export interface StaffLoginResult extends TokenPair {
  mustChangePassword: boolean;
  user: StaffUserView;
}

/**
 * Password login for staff. An unknown username and a wrong password get the same answer (and take
 * the same time). Wrong passwords are throttled per (username, address) and per address (see
 * login-throttle.ts): a lock holds for the address that earned it, never for the account everywhere.
 * Every failure and every lock is audited (never the password).
 */
export async function loginStaffUser(
  ctx: AppContext,
  req: FastifyRequest,
  input: { username: string; password: string },
): Promise<StaffLoginResult> {
  const now = ctx.clock.now();
  const [user] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.username, input.username));
  try {
    await assertLoginAllowed(ctx, input.username, req.ip);
  } catch (refusal) {
    await auditAsStaff(ctx, req, user?.id ?? null, {
      action: 'staff.login',
      objectType: user ? 'staff_user' : undefined,
      objectId: user?.id,
      outcome: 'denied',
      detail: {
        reason: (refusal as DomainError).code,
        ...(user ? {} : { username: input.username.slice(0, 64) }),
      },
    });
    throw refusal;
  }
  if (!user || !(await passwordMatches(user.passwordHash, input.password))) {
    if (!user) await passwordMatches(await unknownUserHash(), input.password);
    await auditAsStaff(ctx, req, user?.id ?? null, {
      action: 'staff.login',
      objectType: user ? 'staff_user' : undefined,
      objectId: user?.id,
      outcome: 'failed',
      detail: { reason: 'invalid_credentials', ...(user ? {} : { username: input.username.slice(0, 64) }) },
    });
    return recordLoginFailure(
      ctx,
      req,
      { username: input.username, ip: req.ip, staffId: user?.id ?? null },
      invalidCredentials,
    );
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
  await clearLoginFailures(ctx, user.username, req.ip);
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
  const locks = await liveLocks(ctx, [user.username]);
  return {
    ...tokens,
    mustChangePassword: user.mustChangePassword,
    user: toStaffUserView(user, roleCodes, now, locks.get(user.username)),
  };
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
  const locks = await liveLocks(ctx, [user.username]);
  return {
    user: toStaffUserView(user, me.roles, ctx.clock.now(), locks.get(user.username)),
    roles: roleRows.map((r) => ({ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn })),
    permissions,
    menus: menusFor(me.permissions),
    // administrators see at once that logins were locked (the alert list is /v1/admin/security-alerts)
    ...(holds(me.permissions, 'staff.manage') ? { openSecurityAlerts: await countOpenAlerts(ctx) } : {}),
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
