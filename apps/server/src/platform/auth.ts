import { createHash, randomBytes, timingSafeEqual, webcrypto } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AppConfig } from '../config.js';
import { SignJWT, jwtVerify } from 'jose';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AppContext } from './context.js';
import { Batcher, batcherOf } from './batch.js';
import { DomainError, forbidden, unauthenticated } from './errors.js';
import { newId } from './ids.js';
import { holds, type Permission } from './permissions.js';
import { refreshTokens, rolePermissions, sessions, staffUserRoles, staffUsers } from './schema.js';

export type SubjectKind = 'patient' | 'staff';

export interface Principal {
  kind: SubjectKind;
  /** account id for patients, staff user id for staff */
  id: string;
  sessionId: string;
  /** staff only */
  roles: string[];
  permissions: Set<string>;
  /** staff only: an initial or reset password must be replaced before anything else */
  mustChangePassword?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');
/**
 * The signing key, imported once per secret: handing jose the raw bytes makes it import a WebCrypto
 * key on every call, which cost more than the whole rest of a sold-out answer at the release peak.
 */
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();
const key = (ctx: AppContext): Promise<webcrypto.CryptoKey> => {
  const secret = ctx.config.jwtSecret;
  let k = keys.get(secret);
  if (!k) {
    k = webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    keys.set(secret, k);
  }
  return k;
};

/** Starts a session for a patient account or a staff user and returns its first token pair. */
export async function startSession(
  ctx: AppContext,
  kind: SubjectKind,
  subjectId: string,
  meta: { ip?: string; userAgent?: string } = {},
): Promise<TokenPair> {
  const now = ctx.clock.now();
  const id = newId();
  await ctx.db.insert(sessions).values({
    id,
    subjectKind: kind,
    subjectId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.REFRESH_TOKEN_TTL_DAYS * 86400_000),
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 300),
  });
  return issueTokens(ctx, kind, subjectId, id);
}

/**
 * Rotates a refresh token: the presented token is consumed by a compare-and-set, so a second use
 * (a replay, or a stolen copy) fails, and the whole session is revoked because reuse signals theft.
 */
export async function refreshSession(
  ctx: AppContext,
  refreshToken: string,
  /**
   * The realm of the endpoint: a token of the other kind of session is refused without being
   * consumed (the staff and patient endpoints are separate, and a patient endpoint must never mint
   * staff tokens nor burn a staff member's refresh token).
   */
  expectedKind: SubjectKind,
): Promise<TokenPair> {
  const now = ctx.clock.now();
  const hash = hashToken(refreshToken);
  const invalid = new DomainError(
    'REFRESH_TOKEN_INVALID',
    401,
    '登录已失效，请重新登录',
    'Refresh token is invalid',
  );
  const consumed = await ctx.db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(refreshTokens.tokenHash, hash),
        isNull(refreshTokens.usedAt),
        sql`exists (select 1 from sessions s where s.id = refresh_tokens.session_id and s.subject_kind = ${expectedKind})`,
      ),
    )
    .returning();
  if (consumed.length === 0) {
    const [foreign] = await ctx.db
      .select({ kind: sessions.subjectKind })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .where(eq(refreshTokens.tokenHash, hash));
    if (foreign && foreign.kind !== expectedKind) throw invalid;
    const [reused] = await ctx.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash));
    if (reused) await revokeSession(ctx, reused.sessionId);
    throw invalid;
  }
  const rt = consumed[0];
  const [s] = await ctx.db.select().from(sessions).where(eq(sessions.id, rt.sessionId));
  if (!s || s.revokedAt || s.expiresAt <= now || rt.expiresAt <= now) throw invalid;
  // An idle staff session may not be revived by a refresh token either.
  if (s.subjectKind === 'staff' && staffIdle(ctx, s.lastSeenAt, now)) {
    await revokeSession(ctx, s.id);
    throw idleTimeout();
  }
  return issueTokens(ctx, s.subjectKind, s.subjectId, s.id);
}

export async function revokeSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.db
    .update(sessions)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function revokeAllSessions(
  ctx: AppContext,
  kind: SubjectKind,
  subjectId: string,
): Promise<void> {
  await ctx.db
    .update(sessions)
    .set({ revokedAt: ctx.clock.now() })
    .where(
      and(eq(sessions.subjectKind, kind), eq(sessions.subjectId, subjectId), isNull(sessions.revokedAt)),
    );
}

async function issueTokens(
  ctx: AppContext,
  kind: SubjectKind,
  subjectId: string,
  sessionId: string,
): Promise<TokenPair> {
  const now = ctx.clock.now();
  const ttl = ctx.config.ACCESS_TOKEN_TTL_SECONDS;
  const iat = Math.floor(now.getTime() / 1000);
  const accessToken = await new SignJWT({ kind, sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subjectId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(await key(ctx));
  const refreshToken = randomBytes(32).toString('base64url');
  await ctx.db.insert(refreshTokens).values({
    tokenHash: hashToken(refreshToken),
    sessionId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.REFRESH_TOKEN_TTL_DAYS * 86400_000),
  });
  return { accessToken, refreshToken, expiresIn: ttl, tokenType: 'Bearer' };
}

/**
 * Resolves the bearer token into a principal: signature and expiry by the clock, then the
 * session must be live (logout revokes at once). Staff sessions also expire after the idle timeout.
 */
export async function authenticate(ctx: AppContext, req: FastifyRequest): Promise<Principal | undefined> {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  const token = header.slice(7);
  const now = ctx.clock.now();
  let payload: { sub?: string; kind?: SubjectKind; sid?: string };
  try {
    ({ payload } = await jwtVerify(token, await key(ctx), {
      algorithms: ['HS256'],
      currentDate: now,
    }));
  } catch {
    throw new DomainError(
      'ACCESS_TOKEN_INVALID',
      401,
      '登录已过期，请重新登录',
      'Access token is invalid or expired',
    );
  }
  if (!payload.sub || !payload.sid || !payload.kind) throw unauthenticated('ACCESS_TOKEN_INVALID');
  const s = await sessionLoader(ctx).load(payload.sid);
  if (!s || s.revokedAt) throw new DomainError('SESSION_REVOKED', 401, '您已退出登录', 'Session has ended');
  if (s.subjectKind === 'staff' && staffIdle(ctx, s.lastSeenAt, now)) {
    await revokeSession(ctx, s.id);
    throw idleTimeout();
  }
  // Touch at most once a minute so a busy user does not write on every request.
  if (now.getTime() - s.lastSeenAt.getTime() > 60_000) {
    await ctx.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, s.id));
  }
  const principal: Principal = {
    kind: s.subjectKind,
    id: s.subjectId,
    sessionId: s.id,
    roles: [],
    permissions: new Set(),
  };
  if (s.subjectKind === 'staff') {
    const [user] = await ctx.db
      .select({ enabled: staffUsers.enabled, mustChangePassword: staffUsers.mustChangePassword })
      .from(staffUsers)
      .where(eq(staffUsers.id, s.subjectId));
    if (!user?.enabled) {
      await revokeSession(ctx, s.id);
      throw new DomainError('SESSION_REVOKED', 401, '您已退出登录', 'Session has ended');
    }
    principal.mustChangePassword = user.mustChangePassword;
    const rows = await ctx.db
      .select({ role: staffUserRoles.roleCode, permission: rolePermissions.permission })
      .from(staffUserRoles)
      .leftJoin(rolePermissions, eq(rolePermissions.roleCode, staffUserRoles.roleCode))
      .where(eq(staffUserRoles.staffId, s.subjectId));
    principal.roles = [...new Set(rows.map((r) => r.role))];
    for (const r of rows) if (r.permission) principal.permissions.add(r.permission);
  }
  return principal;
}

type SessionRow = typeof sessions.$inferSelect;

/**
 * Session look-ups of requests arriving together share one query (see Batcher): at a release peak
 * thousands of bearer tokens are checked within milliseconds. Each request still reads the session
 * after it arrived, so a logout is seen at once.
 */
const sessionLoader = (ctx: AppContext) =>
  batcherOf(
    ctx,
    'sessions',
    () =>
      new Batcher<string, SessionRow>(async (ids) => {
        const rows = await ctx.db.select().from(sessions).where(inArray(sessions.id, ids));
        return new Map(rows.map((r) => [r.id, r]));
      }),
  );

const staffIdle = (ctx: AppContext, lastSeenAt: Date, now: Date) =>
  now.getTime() - lastSeenAt.getTime() > ctx.config.STAFF_IDLE_TIMEOUT_MINUTES * 60_000;

const idleTimeout = () =>
  new DomainError(
    'SESSION_IDLE_TIMEOUT',
    401,
    '长时间未操作，请重新登录',
    'Session timed out after inactivity',
  );

const ACCESS_GUARD = Symbol('access-guard');
type Guard = ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) & { [ACCESS_GUARD]?: true };
const guard = (fn: Guard): Guard => Object.assign(fn, { [ACCESS_GUARD]: true as const });

/**
 * Routes declare requirePatient/requireStaff as a preHandler; this moves them to onRequest, so who
 * may call is decided before the body is parsed and validated: a caller without the permission gets
 * 401/403 and learns nothing of the request's shape from validation details. Register it on the root
 * instance before the modules.
 */
export function hoistAccessGuards(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const pre = route.preHandler;
    const list = pre === undefined ? [] : Array.isArray(pre) ? pre : [pre];
    const guards = list.filter((h) => (h as Guard)[ACCESS_GUARD]);
    if (!guards.length) return;
    route.preHandler = list.filter((h) => !(h as Guard)[ACCESS_GUARD]);
    const on =
      route.onRequest === undefined
        ? []
        : Array.isArray(route.onRequest)
          ? route.onRequest
          : [route.onRequest];
    route.onRequest = [...on, ...(guards as unknown as onRequestHookHandler[])];
  });
}

/**
 * onRequest hook for operator endpoints (metrics, API docs) exposed with METRICS_EXPOSURE or
 * API_DOCS_EXPOSURE = token: the caller presents OPS_TOKEN as a bearer token.
 */
export function requireOpsToken(config: AppConfig): onRequestHookHandler {
  const expected = createHash('sha256')
    .update(config.OPS_TOKEN ?? randomBytes(32))
    .digest();
  return async (req) => {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : '';
    const digest = createHash('sha256').update(given).digest();
    if (!given || !timingSafeEqual(digest, expected))
      throw new DomainError(
        'OPS_TOKEN_REQUIRED',
        401,
        '需要运维令牌才能访问',
        'This endpoint needs the operations token (OPS_TOKEN)',
      );
  };
}

/** preHandler: a logged-in patient account. */
export function requirePatient(ctx: AppContext) {
  return guard(async (req: FastifyRequest, _reply: FastifyReply) => {
    const p = req.principal ?? (await authenticate(ctx, req));
    if (!p) throw unauthenticated();
    if (p.kind !== 'patient') throw forbidden('PATIENT_ONLY');
    req.principal = p;
  });
}

/**
 * preHandler: a logged-in staff user holding `permission` (when given). A user who still has to
 * replace an initial or reset password is refused everywhere except the few endpoints that pass
 * `allowPendingPasswordChange` (change-password, logout, me).
 */
export function requireStaff(
  ctx: AppContext,
  permission?: Permission,
  opts: { allowPendingPasswordChange?: boolean } = {},
) {
  return guard(async (req: FastifyRequest, _reply: FastifyReply) => {
    const p = req.principal ?? (await authenticate(ctx, req));
    if (!p) throw unauthenticated();
    if (p.kind !== 'staff') throw forbidden('STAFF_ONLY');
    req.principal = p;
    if (p.mustChangePassword && !opts.allowPendingPasswordChange) {
      throw new DomainError(
        'PASSWORD_CHANGE_REQUIRED',
        403,
        '请先修改初始密码',
        'You must change your password first',
      );
    }
    if (permission && !holds(p.permissions, permission)) {
      throw new DomainError(
        'PERMISSION_DENIED',
        403,
        '您没有该操作的权限',
        `Missing permission ${permission}`,
        {
          permission,
        },
      );
    }
  });
}

/** Use inside a handler after requirePatient/requireStaff. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthenticated();
  return req.principal;
}
