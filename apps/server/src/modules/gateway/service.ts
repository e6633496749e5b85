import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import dayjs from 'dayjs';
import { and, count, desc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { audit } from '../../platform/audit.js';
import { principalOf } from '../../platform/auth.js';
import { DomainError, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { piiCipher } from '../identity/index.js';
import {
  integrationCalls,
  integrationChannels,
  integrationNonces,
  integrationRegistrations,
  type ChannelKind,
  type IntegrationOperation,
} from './schema.js';
import { integrationSignature, signatureMatches } from './signing.js';

/** A signed request's timestamp may differ from the clock by at most this much. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;
/** A nonce may not be reused by the same channel within this window. */
export const NONCE_WINDOW_SECONDS = 600;

export type Channel = typeof integrationChannels.$inferSelect;

export interface ChannelInput {
  code: string;
  name: string;
  kind: ChannelKind;
  allowedOperations: IntegrationOperation[];
  allowedFrom: string | null;
  allowedUntil: string | null;
  enabled: boolean;
}

// ---------------------------------------------------------------------------------------------
// Authentication of integration calls (ADM-12)
// ---------------------------------------------------------------------------------------------

export interface SignedRequest {
  method: string;
  /** request target as sent, path and query */
  url: string;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Decides whether a signed integration call may run `operation`. Checks, in order: the app id is
 * known, the timestamp is within ±5 min of the clock, the signature matches, the channel is
 * enabled, the nonce is fresh for this channel (recorded only for correctly signed requests, so a
 * stranger cannot burn a channel's nonces), the operation is in the channel's scope, and the clock
 * is within the channel's allowed hours in the hospital zone.
 * `onChannel` hears the channel as soon as it is known, so even a refusal is logged against it.
 */
export async function authenticateIntegrationCall(
  ctx: AppContext,
  r: SignedRequest,
  operation: IntegrationOperation,
  onChannel: (c: Channel) => void = () => undefined,
): Promise<Channel> {
  const appId = header(r, 'x-qn-app-id');
  const timestamp = header(r, 'x-qn-timestamp');
  const nonce = header(r, 'x-qn-nonce');
  const signature = header(r, 'x-qn-signature');
  if (!appId || !timestamp || !nonce || !signature) {
    throw new DomainError(
      'SIGNATURE_MISSING',
      401,
      '请求缺少签名信息',
      'X-Qn-App-Id, X-Qn-Timestamp, X-Qn-Nonce and X-Qn-Signature are required',
    );
  }
  if (nonce.length < 8 || nonce.length > 64 || !/^[\w-]+$/.test(nonce)) {
    throw new DomainError('NONCE_INVALID', 401, '随机串格式不正确', 'Nonce must be 8-64 of [A-Za-z0-9_-]');
  }
  const [channel] = await ctx.db
    .select()
    .from(integrationChannels)
    .where(and(eq(integrationChannels.appId, appId), isNull(integrationChannels.deletedAt)));
  if (!channel) throw new DomainError('APP_UNKNOWN', 401, '未知的接入应用', 'Unknown app id');
  onChannel(channel);

  const now = ctx.clock.now();
  const ts = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isFinite(ts) || Math.abs(now.getTime() / 1000 - ts) > TIMESTAMP_TOLERANCE_SECONDS) {
    throw new DomainError(
      'TIMESTAMP_STALE',
      401,
      '请求时间戳与服务器时间相差过大',
      `Timestamp must be within ${TIMESTAMP_TOLERANCE_SECONDS} s of the server clock`,
      { serverTime: Math.floor(now.getTime() / 1000) },
    );
  }

  const secret = piiCipher(ctx.config).decrypt(channel.secretEnc);
  const expected = integrationSignature({
    secret,
    method: r.method,
    path: r.url,
    body: r.rawBody,
    timestamp,
    nonce,
  });
  if (!signatureMatches(expected, signature)) {
    throw new DomainError('SIGNATURE_INVALID', 401, '签名校验失败', 'Signature does not match');
  }

  if (!channel.enabled) {
    throw new DomainError('CHANNEL_DISABLED', 403, '该渠道已停用', 'This channel is disabled');
  }

  // First use wins; a row older than the window may be reused (its timestamp would be stale anyway).
  const fresh = await ctx.db.execute(sql`
    INSERT INTO integration_nonces (channel_id, nonce, seen_at) VALUES (${channel.id}, ${nonce}, ${now})
    ON CONFLICT (channel_id, nonce) DO UPDATE SET seen_at = excluded.seen_at
      WHERE integration_nonces.seen_at < ${new Date(now.getTime() - NONCE_WINDOW_SECONDS * 1000)}
    RETURNING nonce`);
  if (rowsOf(fresh).length === 0) {
    throw new DomainError(
      'NONCE_REPLAYED',
      401,
      '重复的请求（随机串已使用）',
      'Nonce already used: replay refused',
    );
  }

  if (!channel.allowedOperations.includes(operation)) {
    throw new DomainError(
      'OPERATION_NOT_ALLOWED',
      403,
      '该渠道未开通此业务',
      `Operation ${operation} is not allowed for this channel`,
      { operation },
    );
  }
  if (!withinAllowedHours(channel, now, ctx.config.HOSPITAL_TIMEZONE)) {
    throw new DomainError(
      'OUTSIDE_ALLOWED_HOURS',
      403,
      `不在该渠道允许的服务时间（${channel.allowedFrom}-${channel.allowedUntil}）内`,
      `Outside this channel's allowed hours (${channel.allowedFrom}-${channel.allowedUntil})`,
      { allowedFrom: channel.allowedFrom, allowedUntil: channel.allowedUntil },
    );
  }
  return channel;
}

/** Hours are 'HH:mm' in the hospital zone; from > until spans midnight; none set means always. */
export function withinAllowedHours(
  c: Pick<Channel, 'allowedFrom' | 'allowedUntil'>,
  now: Date,
  tz: string,
): boolean {
  if (!c.allowedFrom || !c.allowedUntil) return true;
  const local = dayjs(now).tz(tz);
  const m = local.hour() * 60 + local.minute();
  const from = minutes(c.allowedFrom);
  const until = minutes(c.allowedUntil);
  return from <= until ? m >= from && m < until : m >= from || m < until;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function header(r: SignedRequest, name: string): string | undefined {
  const v = r.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length <= 200 ? s : undefined;
}

const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

export const PURGE_NONCES_JOB = 'gateway.purge-nonces';

/** Sweeps nonces older than the replay window (job, every 10 minutes). */
export async function purgeExpiredNonces(ctx: AppContext): Promise<void> {
  const cutoff = new Date(ctx.clock.now().getTime() - NONCE_WINDOW_SECONDS * 1000);
  await ctx.db.delete(integrationNonces).where(lt(integrationNonces.seenAt, cutoff));
}

// ---------------------------------------------------------------------------------------------
// Registrations taken through a channel
// ---------------------------------------------------------------------------------------------

/** Remembers which channel took a registration (a repeated lock finds the same row). */
export async function recordChannelRegistration(ctx: AppContext, channel: Channel, registrationId: string) {
  await ctx.db
    .insert(integrationRegistrations)
    .values({ registrationId, channelId: channel.id, createdAt: ctx.clock.now() })
    .onConflictDoNothing();
}

/** A channel acts only on registrations it took; anyone else's reads as not found. */
export async function claimChannelRegistration(ctx: AppContext, channel: Channel, registrationId: string) {
  const [row] = await ctx.db
    .select()
    .from(integrationRegistrations)
    .where(
      and(
        eq(integrationRegistrations.registrationId, registrationId),
        eq(integrationRegistrations.channelId, channel.id),
      ),
    );
  if (!row) throw new DomainError('REGISTRATION_NOT_FOUND', 404, '挂号记录不存在', 'Registration not found');
}

// ---------------------------------------------------------------------------------------------
// Call log
// ---------------------------------------------------------------------------------------------

export async function recordCall(
  ctx: AppContext,
  call: {
    channelId?: string;
    appId?: string;
    operation?: string;
    method: string;
    path: string;
    outcome: string;
    status: number;
    durationMs?: number;
    requestId?: string;
    ip?: string;
  },
): Promise<void> {
  await ctx.db.insert(integrationCalls).values({
    id: newId(),
    channelId: call.channelId ?? null,
    appId: call.appId?.slice(0, 64) ?? null,
    operation: call.operation ?? null,
    method: call.method,
    path: call.path.slice(0, 300),
    outcome: call.outcome.slice(0, 64),
    status: call.status,
    at: ctx.clock.now(),
    durationMs: call.durationMs === undefined ? null : Math.round(call.durationMs),
    requestId: call.requestId ?? null,
    ip: call.ip ?? null,
  });
}

export interface CallFilters {
  channelId?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  page: number;
  pageSize: number;
}

export async function listCalls(ctx: AppContext, f: CallFilters) {
  const where: SQL[] = [];
  if (f.channelId) where.push(eq(integrationCalls.channelId, f.channelId));
  if (f.outcome) where.push(eq(integrationCalls.outcome, f.outcome));
  if (f.from) where.push(gte(integrationCalls.at, f.from));
  if (f.to) where.push(lt(integrationCalls.at, f.to));
  const cond = where.length ? and(...where) : undefined;
  const [{ total }] = await ctx.db.select({ total: count() }).from(integrationCalls).where(cond);
  const items = await ctx.db
    .select()
    .from(integrationCalls)
    .where(cond)
    .orderBy(desc(integrationCalls.at), desc(integrationCalls.id))
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize);
  return { total: Number(total), items };
}

// ---------------------------------------------------------------------------------------------
// Console: channels (ADM-11)
// ---------------------------------------------------------------------------------------------

export async function listChannels(ctx: AppContext) {
  return ctx.db
    .select()
    .from(integrationChannels)
    .where(isNull(integrationChannels.deletedAt))
    .orderBy(integrationChannels.code);
}

export async function getChannel(ctx: AppContext, id: string): Promise<Channel> {
  const [c] = await ctx.db
    .select()
    .from(integrationChannels)
    .where(and(eq(integrationChannels.id, id), isNull(integrationChannels.deletedAt)));
  if (!c) throw channelNotFound();
  return c;
}

/** Creates a channel with a fresh app id and secret; the secret is returned this once only. */
export async function createChannel(ctx: AppContext, req: FastifyRequest, input: ChannelInput) {
  principalOf(req);
  const now = ctx.clock.now();
  const secret = newSecret();
  const [channel] = await uniqueCode(
    ctx.db
      .insert(integrationChannels)
      .values({
        id: newId(),
        ...input,
        appId: 'qn' + randomBytes(8).toString('hex'),
        secretEnc: piiCipher(ctx.config).encrypt(secret),
        secretRotatedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning(),
  );
  await audit(ctx, req, {
    action: 'channel.create',
    objectType: 'integration_channel',
    objectId: channel.id,
    detail: { ...input, appId: channel.appId },
  });
  return { channel, secret };
}

export async function updateChannel(
  ctx: AppContext,
  req: FastifyRequest,
  id: string,
  patch: Partial<ChannelInput>,
) {
  principalOf(req);
  const current = await getChannel(ctx, id);
  const from = patch.allowedFrom !== undefined ? patch.allowedFrom : current.allowedFrom;
  const until = patch.allowedUntil !== undefined ? patch.allowedUntil : current.allowedUntil;
  assertHours(from, until);
  const [channel] = await uniqueCode(
    ctx.db
      .update(integrationChannels)
      .set({ ...patch, updatedAt: ctx.clock.now() })
      .where(and(eq(integrationChannels.id, id), isNull(integrationChannels.deletedAt)))
      .returning(),
  );
  if (!channel) throw channelNotFound();
  await audit(ctx, req, {
    action: 'channel.update',
    objectType: 'integration_channel',
    objectId: id,
    detail: { ...patch },
  });
  return channel;
}

/** Removing a channel keeps its row for the call log; its app id stops working at once. */
export async function deleteChannel(ctx: AppContext, req: FastifyRequest, id: string) {
  principalOf(req);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .update(integrationChannels)
    .set({ deletedAt: now, enabled: false, updatedAt: now })
    .where(and(eq(integrationChannels.id, id), isNull(integrationChannels.deletedAt)))
    .returning({ id: integrationChannels.id });
  if (rows.length === 0) throw channelNotFound();
  await audit(ctx, req, { action: 'channel.delete', objectType: 'integration_channel', objectId: id });
}

/** Issues a new secret (the old one stops working at once) and returns it this once. */
export async function rotateChannelSecret(ctx: AppContext, req: FastifyRequest, id: string) {
  principalOf(req);
  const now = ctx.clock.now();
  const secret = newSecret();
  const [channel] = await ctx.db
    .update(integrationChannels)
    .set({ secretEnc: piiCipher(ctx.config).encrypt(secret), secretRotatedAt: now, updatedAt: now })
    .where(and(eq(integrationChannels.id, id), isNull(integrationChannels.deletedAt)))
    .returning();
  if (!channel) throw channelNotFound();
  await audit(ctx, req, { action: 'channel.rotate-secret', objectType: 'integration_channel', objectId: id });
  return { channel, secret };
}

export function assertHours(from: string | null, until: string | null): void {
  if ((from === null) !== (until === null)) {
    throw new DomainError(
      'ALLOWED_HOURS_INCOMPLETE',
      400,
      '服务时间须同时设置开始和结束',
      'Set both allowedFrom and allowedUntil, or neither',
    );
  }
  if (from !== null && from === until) {
    throw new DomainError(
      'ALLOWED_HOURS_EMPTY',
      400,
      '服务时间开始与结束不能相同',
      'allowedFrom and allowedUntil must differ',
    );
  }
}

const newSecret = () => randomBytes(32).toString('base64url');

const channelNotFound = () => notFound('channel', '渠道');

async function uniqueCode<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict('CHANNEL_CODE_TAKEN', '渠道编码已存在', 'A channel with this code already exists');
    throw e;
  }
}
