import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { DomainError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { staffUsers } from '../../platform/schema.js';
import { staffLoginThrottles, staffSecurityAlerts } from './schema.js';

/**
 * Staff login throttling without a lockout weapon. Wrong passwords are counted per (username,
 * address) and per address. Enough in a row for one username from one address lock that username
 * for that address only: the same account still logs in from anywhere else, so nobody can keep
 * `admin` locked from afar. Many failures from one address, whatever the usernames (password
 * spraying), pause the address. Both expire after STAFF_LOGIN_LOCK_MINUTES; an administrator is
 * alerted to each and can lift a lock sooner (audited). Unknown usernames are counted like known
 * ones, so the answers do not tell which accounts exist.
 */

type Scope = 'account_address' | 'address';
const pairKey = (username: string, ip: string) => `${username}\n${ip}`;

/** Refuses a login attempt that a live lock covers, before the password is even checked. */
export async function assertLoginAllowed(ctx: AppContext, username: string, ip: string): Promise<void> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select()
    .from(staffLoginThrottles)
    .where(
      and(
        gt(staffLoginThrottles.lockedUntil, now),
        sql`(${staffLoginThrottles.scope}, ${staffLoginThrottles.key}) IN (('address', ${ip}), ('account_address', ${pairKey(username, ip)}))`,
      ),
    );
  const address = rows.find((r) => r.scope === 'address');
  if (address) throw addressThrottled(address.lockedUntil!);
  const pair = rows.find((r) => r.scope === 'account_address');
  if (pair) throw loginLocked(pair.lockedUntil!);
}

/**
 * Counts one wrong password for the (username, address) pair and for the address, each by one
 * atomic upsert (concurrent failures are all counted), and throws the answer: a lock when one of
 * them reaches its limit (administrators alerted), else "wrong username or password".
 */
export async function recordLoginFailure(
  ctx: AppContext,
  req: FastifyRequest,
  input: { username: string; ip: string; staffId: string | null },
  invalidCredentials: () => DomainError,
): Promise<never> {
  const cfg = ctx.config;
  const address = await countFailure(
    ctx,
    'address',
    input.ip,
    null,
    input.ip,
    cfg.STAFF_LOGIN_MAX_FAILURES_PER_ADDRESS,
  );
  const pair = await countFailure(
    ctx,
    'account_address',
    pairKey(input.username, input.ip),
    input.username,
    input.ip,
    cfg.STAFF_LOGIN_MAX_FAILURES,
  );
  if (pair.justLocked) {
    await alert(ctx, req, 'login_locked', {
      ...input,
      failures: pair.failures,
      lockedUntil: pair.lockedUntil!,
    });
  }
  if (address.justLocked) {
    await alert(ctx, req, 'address_throttled', {
      ...input,
      failures: address.failures,
      lockedUntil: address.lockedUntil!,
    });
  }
  if (address.lockedUntil) throw addressThrottled(address.lockedUntil);
  if (pair.lockedUntil) throw loginLocked(pair.lockedUntil);
  throw invalidCredentials();
}

/** A successful login starts the count of its (username, address) pair again. */
export async function clearLoginFailures(ctx: AppContext, username: string, ip: string): Promise<void> {
  await ctx.db
    .delete(staffLoginThrottles)
    .where(
      and(
        eq(staffLoginThrottles.scope, 'account_address'),
        eq(staffLoginThrottles.key, pairKey(username, ip)),
      ),
    );
}

/** Lifts every lock of a username (all addresses) and closes its open alerts: the administrator's unlock. */
export async function liftLoginLocks(
  ctx: AppContext,
  user: { id: string; username: string },
  byStaffId: string | null,
): Promise<void> {
  await ctx.db
    .delete(staffLoginThrottles)
    .where(
      and(eq(staffLoginThrottles.scope, 'account_address'), eq(staffLoginThrottles.username, user.username)),
    );
  await ctx.db
    .update(staffSecurityAlerts)
    .set({ acknowledgedAt: ctx.clock.now(), acknowledgedBy: byStaffId })
    .where(and(eq(staffSecurityAlerts.staffId, user.id), isNull(staffSecurityAlerts.acknowledgedAt)));
}

/** The latest live lock of each username given (for the account views). */
export async function liveLocks(ctx: AppContext, usernames: string[]): Promise<Map<string, Date>> {
  if (!usernames.length) return new Map();
  const rows = await ctx.db
    .select({ username: staffLoginThrottles.username, lockedUntil: staffLoginThrottles.lockedUntil })
    .from(staffLoginThrottles)
    .where(
      and(
        eq(staffLoginThrottles.scope, 'account_address'),
        inArray(staffLoginThrottles.username, usernames),
        gt(staffLoginThrottles.lockedUntil, ctx.clock.now()),
      ),
    );
  const out = new Map<string, Date>();
  for (const r of rows) {
    const prev = out.get(r.username!);
    if (!prev || r.lockedUntil! > prev) out.set(r.username!, r.lockedUntil!);
  }
  return out;
}

export interface SecurityAlertView {
  id: string;
  kind: 'login_locked' | 'address_throttled';
  staffId: string | null;
  username: string | null;
  ip: string;
  failures: number;
  lockedUntil: string;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export async function listSecurityAlerts(
  ctx: AppContext,
  query: { open?: boolean; limit: number },
): Promise<{ items: SecurityAlertView[]; open: number }> {
  const rows = await ctx.db
    .select()
    .from(staffSecurityAlerts)
    .where(query.open ? isNull(staffSecurityAlerts.acknowledgedAt) : undefined)
    .orderBy(desc(staffSecurityAlerts.createdAt))
    .limit(query.limit);
  return { items: rows.map(toAlertView), open: await countOpenAlerts(ctx) };
}

export async function countOpenAlerts(ctx: AppContext): Promise<number> {
  const [{ n }] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(staffSecurityAlerts)
    .where(isNull(staffSecurityAlerts.acknowledgedAt));
  return n;
}

export async function acknowledgeSecurityAlert(
  ctx: AppContext,
  req: FastifyRequest,
  id: string,
): Promise<SecurityAlertView> {
  const by = req.principal?.id ?? null;
  const [row] = await ctx.db
    .update(staffSecurityAlerts)
    .set({ acknowledgedAt: ctx.clock.now(), acknowledgedBy: by })
    .where(and(eq(staffSecurityAlerts.id, id), isNull(staffSecurityAlerts.acknowledgedAt)))
    .returning();
  if (!row) {
    const [existing] = await ctx.db.select().from(staffSecurityAlerts).where(eq(staffSecurityAlerts.id, id));
    if (!existing) throw notFound('Security alert', '安全提醒');
    return toAlertView(existing);
  }
  await audit(ctx, req, {
    action: 'staff.security_alert.acknowledge',
    objectType: 'security_alert',
    objectId: id,
  });
  return toAlertView(row);
}

async function countFailure(
  ctx: AppContext,
  scope: Scope,
  key: string,
  username: string | null,
  ip: string,
  max: number,
): Promise<{ failures: number; lockedUntil: Date | null; justLocked: boolean }> {
  const now = ctx.clock.now();
  const lockMs = ctx.config.STAFF_LOGIN_LOCK_MINUTES * 60_000;
  const lockUntil = new Date(now.getTime() + lockMs);
  const windowStart = new Date(now.getTime() - lockMs);
  const t = staffLoginThrottles;
  // a count starts again once its window has passed or its lock has expired
  const fresh = sql`(${t.windowStartedAt} <= ${windowStart.toISOString()}::timestamptz OR ${t.lockedUntil} <= ${now.toISOString()}::timestamptz)`;
  const next = sql`CASE WHEN ${fresh} THEN 1 ELSE ${t.failures} + 1 END`;
  const [row] = await ctx.db
    .insert(t)
    .values({
      scope,
      key,
      username,
      ip,
      failures: 1,
      windowStartedAt: now,
      lockedUntil: max <= 1 ? lockUntil : null,
    })
    .onConflictDoUpdate({
      target: [t.scope, t.key],
      set: {
        failures: next,
        windowStartedAt: sql`CASE WHEN ${fresh} THEN ${now.toISOString()}::timestamptz ELSE ${t.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN ${next} >= ${max} THEN ${lockUntil.toISOString()}::timestamptz ELSE NULL END`,
      },
    })
    .returning({ failures: t.failures, lockedUntil: t.lockedUntil });
  const locked = row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
  return { failures: row.failures, lockedUntil: locked, justLocked: Boolean(locked) && row.failures === max };
}

async function alert(
  ctx: AppContext,
  req: FastifyRequest,
  kind: 'login_locked' | 'address_throttled',
  a: { username: string; ip: string; staffId: string | null; failures: number; lockedUntil: Date },
): Promise<void> {
  const now = ctx.clock.now();
  const id = newId();
  await ctx.db.insert(staffSecurityAlerts).values({
    id,
    kind,
    staffId: a.staffId,
    username: kind === 'login_locked' ? a.username.slice(0, 64) : null,
    ip: a.ip,
    failures: a.failures,
    lockedUntil: a.lockedUntil,
    createdAt: now,
  });
  await audit(ctx, { ip: req.ip, id: req.id } as FastifyRequest, {
    action: kind === 'login_locked' ? 'staff.account_locked' : 'staff.login_address_throttled',
    objectType: a.staffId ? 'staff_user' : undefined,
    objectId: a.staffId ?? undefined,
    outcome: 'success',
    detail: {
      alertId: id,
      scope: kind === 'login_locked' ? 'address' : 'all_usernames',
      lockedUntil: a.lockedUntil.toISOString(),
      failures: a.failures,
    },
  });
  ctx.log.warn(
    { alert: kind, alertId: id, staffId: a.staffId, ip: a.ip, lockedUntil: a.lockedUntil.toISOString() },
    'staff login locked after repeated wrong passwords: administrators alerted',
  );
}

function toAlertView(r: typeof staffSecurityAlerts.$inferSelect): SecurityAlertView {
  return {
    id: r.id,
    kind: r.kind,
    staffId: r.staffId,
    username: r.username,
    ip: r.ip,
    failures: r.failures,
    lockedUntil: r.lockedUntil.toISOString(),
    createdAt: r.createdAt.toISOString(),
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: r.acknowledgedBy,
  };
}

/** Staff user ids by username, for alerts naming a real account. */
export async function staffIdOf(ctx: AppContext, username: string): Promise<string | null> {
  const [u] = await ctx.db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(eq(staffUsers.username, username));
  return u?.id ?? null;
}

const loginLocked = (until: Date) =>
  new DomainError(
    'ACCOUNT_LOCKED',
    423,
    `连续登录失败次数过多，此账号在本地址的登录已锁定至 ${until.toISOString()}，管理员已收到提醒`,
    `Too many failed logins: this account is locked for logins from this address until ${until.toISOString()}; administrators have been alerted`,
    { lockedUntil: until.toISOString(), scope: 'address' },
  );

const addressThrottled = (until: Date) =>
  new DomainError(
    'LOGIN_ADDRESS_THROTTLED',
    429,
    `此地址登录失败次数过多，请于 ${until.toISOString()} 后再试`,
    `Too many failed logins from this address: try again after ${until.toISOString()}`,
    { retryAt: until.toISOString() },
  );
