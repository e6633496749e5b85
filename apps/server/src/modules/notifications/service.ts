import { and, count, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from './errors.js';
import { newId } from '../../platform/ids.js';
import { recipients as recipientDirectory } from './recipients.js';
import {
  messages,
  notificationDeliveries,
  smsMessages,
  type Channel,
  type OutsideChannel,
} from './schema.js';
import { render, templateOf } from './templates.js';

export { registerTemplates, type TemplateDefinition } from './templates.js';

export const DELIVER_JOB = 'notifications.deliver';
export const MAX_DELIVERY_ATTEMPTS = 5;

export interface Notification {
  accountId: string;
  template: string;
  /** placeholder values; never ID or phone numbers */
  data?: Record<string, unknown>;
  /** overrides the template's channels; the message centre always gets the message */
  channels?: Channel[];
}

/**
 * Records a notification: one message in the account's message centre, and one pending delivery per
 * outside channel (SMS, WeChat, Alipay). Pass the caller's transaction so the message commits with
 * the business change that caused it; the deliver job sends the deliveries afterwards, retrying
 * failures with back-off.
 */
export async function notify(ctx: AppContext, n: Notification, tx?: Db): Promise<{ messageId: string }> {
  const def = templateOf(n.template);
  const data = n.data ?? {};
  const db = tx ?? ctx.db;
  const now = ctx.clock.now();
  const messageId = newId();
  await db.insert(messages).values({
    id: messageId,
    accountId: n.accountId,
    template: n.template,
    category: def.category,
    titleZh: render(def.title.zh, data),
    titleEn: render(def.title.en, data),
    bodyZh: render(def.body.zh, data),
    bodyEn: render(def.body.en, data),
    link: def.link ? render(def.link, data) : null,
    createdAt: now,
  });
  const outside = [...new Set(n.channels ?? def.channels)].filter((c): c is OutsideChannel => c !== 'inapp');
  if (outside.length > 0) {
    await db.insert(notificationDeliveries).values(
      outside.map((channel) => ({
        id: newId(),
        messageId,
        accountId: n.accountId,
        channel,
        template: n.template,
        state: 'pending' as const,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })),
    );
    // A nudge only: the cron sweep delivers anything this misses (e.g. a job that ran before commit).
    // Inside the caller's transaction it is not awaited: the job system uses its own connection, and
    // on PGlite (one connection) awaiting it here would wait for our own transaction to end.
    const nudge = ctx.jobs
      .send(DELIVER_JOB, {}, { singletonKey: 'nudge' })
      .catch((err) => ctx.log.warn({ err }, 'deliver job not queued'));
    if (!tx) await nudge;
  }
  return { messageId };
}

/**
 * Sends due deliveries. Each one is claimed by pushing its next attempt into the future (a lease)
 * with SKIP LOCKED, so two workers never send the same delivery at once; a failure is retried with
 * exponential back-off (1, 2, 4, 8 min) and marked failed after MAX_DELIVERY_ATTEMPTS.
 */
export async function deliverDueNotifications(
  ctx: AppContext,
  limit = 100,
): Promise<{ sent: number; failed: number }> {
  const now = ctx.clock.now();
  const lease = new Date(now.getTime() + 5 * 60_000);
  const claimed = await ctx.db
    .update(notificationDeliveries)
    .set({ attempts: sql`${notificationDeliveries.attempts} + 1`, nextAttemptAt: lease, updatedAt: now })
    .where(
      inArray(
        notificationDeliveries.id,
        sql`(SELECT id FROM notification_deliveries WHERE state = 'pending' AND next_attempt_at <= ${now.toISOString()}::timestamptz ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
      ),
    )
    .returning();
  let sent = 0;
  let failed = 0;
  for (const d of claimed) {
    const outcome = await attemptDelivery(ctx, d);
    const at = ctx.clock.now();
    if (outcome.kind === 'sent' || outcome.kind === 'skipped') {
      if (outcome.kind === 'sent') sent++;
      await ctx.db
        .update(notificationDeliveries)
        .set({
          state: outcome.kind,
          sentAt: outcome.kind === 'sent' ? at : null,
          providerMessageId: outcome.kind === 'sent' ? outcome.providerMessageId : null,
          lastError: outcome.kind === 'skipped' ? outcome.reason : null,
          updatedAt: at,
        })
        .where(and(eq(notificationDeliveries.id, d.id), eq(notificationDeliveries.state, 'pending')));
    } else {
      const final = d.attempts >= MAX_DELIVERY_ATTEMPTS;
      if (final) failed++;
      await ctx.db
        .update(notificationDeliveries)
        .set({
          state: final ? 'failed' : 'pending',
          nextAttemptAt: new Date(at.getTime() + 60_000 * 2 ** (d.attempts - 1)),
          lastError: outcome.error.slice(0, 500),
          updatedAt: at,
        })
        .where(and(eq(notificationDeliveries.id, d.id), eq(notificationDeliveries.state, 'pending')));
    }
  }
  return { sent, failed };
}

type Outcome =
  | { kind: 'sent'; providerMessageId: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: string };

async function attemptDelivery(
  ctx: AppContext,
  d: typeof notificationDeliveries.$inferSelect,
): Promise<Outcome> {
  const [m] = await ctx.db.select().from(messages).where(eq(messages.id, d.messageId));
  if (!m) return { kind: 'skipped', reason: 'message missing' };
  const to = await recipientDirectory().contacts(ctx, d.accountId);
  try {
    switch (d.channel) {
      case 'sms': {
        if (!to.phone) return { kind: 'skipped', reason: 'no phone number on the account' };
        const r = await ctx.adapters.sms.send(ctx.db, {
          phone: to.phone,
          template: d.template,
          content: `【青囊医院】${m.titleZh}：${m.bodyZh}`,
          at: ctx.clock.now(),
        });
        return { kind: 'sent', providerMessageId: r.providerMessageId };
      }
      case 'wechat':
      case 'alipay': {
        const openid = d.channel === 'wechat' ? to.wechatOpenid : to.alipayOpenid;
        if (!openid) return { kind: 'skipped', reason: `no ${d.channel} account linked` };
        const platform = d.channel === 'wechat' ? ctx.adapters.wechatPlatform : ctx.adapters.alipayPlatform;
        const r = await platform.sendSubscribeMessage({
          openid,
          template: d.template,
          title: m.titleZh,
          body: m.bodyZh,
          link: m.link ?? undefined,
        });
        return { kind: 'sent', providerMessageId: r.providerMessageId };
      }
    }
  } catch (err) {
    return { kind: 'failed', error: (err as Error).message ?? String(err) };
  }
}

// ---- message centre ----

export interface MessageView {
  id: string;
  template: string;
  category: string;
  title: { zh: string; en: string };
  body: { zh: string; en: string };
  link: string | null;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export async function listMessages(
  ctx: AppContext,
  accountId: string,
  q: { page: number; pageSize: number; unreadOnly?: boolean; category?: string },
): Promise<{ items: MessageView[]; total: number; unread: number; page: number; pageSize: number }> {
  const where: SQL[] = [eq(messages.accountId, accountId)];
  if (q.unreadOnly) where.push(isNull(messages.readAt));
  if (q.category) where.push(eq(messages.category, q.category));
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(and(...where))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [total] = await ctx.db
    .select({ n: count() })
    .from(messages)
    .where(and(...where));
  return {
    items: rows.map(messageView),
    total: total.n,
    unread: await unreadCount(ctx, accountId),
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function unreadCount(ctx: AppContext, accountId: string): Promise<number> {
  const [r] = await ctx.db
    .select({ n: count() })
    .from(messages)
    .where(and(eq(messages.accountId, accountId), isNull(messages.readAt)));
  return r.n;
}

/** Marks one message read; another account's message is answered as not found. */
export async function markMessageRead(
  ctx: AppContext,
  accountId: string,
  messageId: string,
): Promise<MessageView> {
  const now = ctx.clock.now();
  await ctx.db
    .update(messages)
    .set({ readAt: now })
    .where(and(eq(messages.id, messageId), eq(messages.accountId, accountId), isNull(messages.readAt)));
  const [m] = await ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.accountId, accountId)));
  if (!m) throw errors.MESSAGE_NOT_FOUND();
  return messageView(m);
}

export async function markAllMessagesRead(ctx: AppContext, accountId: string): Promise<{ updated: number }> {
  const rows = await ctx.db
    .update(messages)
    .set({ readAt: ctx.clock.now() })
    .where(and(eq(messages.accountId, accountId), isNull(messages.readAt)))
    .returning({ id: messages.id });
  return { updated: rows.length };
}

function messageView(m: typeof messages.$inferSelect): MessageView {
  return {
    id: m.id,
    template: m.template,
    category: m.category,
    title: { zh: m.titleZh, en: m.titleEn },
    body: { zh: m.bodyZh, en: m.bodyEn },
    link: m.link,
    read: m.readAt !== null,
    readAt: m.readAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
  };
}

// ---- staff views ----

export async function listSmsMessages(
  ctx: AppContext,
  q: { page: number; pageSize: number; phoneIdx?: string; template?: string },
) {
  const where: SQL[] = [];
  if (q.phoneIdx) where.push(eq(smsMessages.phoneIdx, q.phoneIdx));
  if (q.template) where.push(eq(smsMessages.template, q.template));
  const cond = where.length ? and(...where) : undefined;
  const rows = await ctx.db
    .select()
    .from(smsMessages)
    .where(cond)
    .orderBy(desc(smsMessages.createdAt), desc(smsMessages.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [total] = await ctx.db.select({ n: count() }).from(smsMessages).where(cond);
  return {
    items: rows.map((r) => ({
      id: r.id,
      provider: r.provider,
      phoneMasked: r.phoneMasked,
      template: r.template,
      content: r.content,
      createdAt: r.createdAt.toISOString(),
    })),
    total: total.n,
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function listDeliveries(
  ctx: AppContext,
  q: {
    page: number;
    pageSize: number;
    state?: string;
    channel?: string;
    accountId?: string;
    template?: string;
  },
) {
  const where: SQL[] = [];
  if (q.state) where.push(eq(notificationDeliveries.state, q.state as never));
  if (q.channel) where.push(eq(notificationDeliveries.channel, q.channel as never));
  if (q.accountId) where.push(eq(notificationDeliveries.accountId, q.accountId));
  if (q.template) where.push(eq(notificationDeliveries.template, q.template));
  const cond = where.length ? and(...where) : undefined;
  const rows = await ctx.db
    .select()
    .from(notificationDeliveries)
    .where(cond)
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [total] = await ctx.db.select({ n: count() }).from(notificationDeliveries).where(cond);
  return {
    items: rows.map((d) => ({
      id: d.id,
      messageId: d.messageId,
      accountId: d.accountId,
      channel: d.channel,
      template: d.template,
      state: d.state,
      attempts: d.attempts,
      nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt.toISOString() : null,
      lastError: d.lastError,
      providerMessageId: d.providerMessageId,
      createdAt: d.createdAt.toISOString(),
      sentAt: d.sentAt?.toISOString() ?? null,
    })),
    total: total.n,
    page: q.page,
    pageSize: q.pageSize,
  };
}

// ---- care messages (MSG-06) ----

export interface CareMessage {
  title: { zh: string; en: string };
  body: { zh: string; en: string };
  channels: Channel[];
  /** explicit accounts, or every account when omitted */
  accountIds?: string[];
}

/** Sends a staff-written care message to the chosen accounts (or all), in batches of 500 per transaction. */
export async function sendCareMessage(ctx: AppContext, m: CareMessage): Promise<{ recipients: number }> {
  const data = { titleZh: m.title.zh, titleEn: m.title.en, bodyZh: m.body.zh, bodyEn: m.body.en };
  const send = async (ids: string[]) =>
    ctx.db.transaction(async (tx) => {
      for (const accountId of ids) {
        await notify(ctx, { accountId, template: 'care.message', data, channels: m.channels }, tx);
      }
    });
  if (m.accountIds) {
    const ids = [...new Set(m.accountIds)];
    const known = await existingAccounts(ctx, ids);
    for (let i = 0; i < known.length; i += 500) await send(known.slice(i, i + 500));
    return { recipients: known.length };
  }
  let recipients = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await recipientDirectory().accountIdsPage(ctx, after, 500);
    if (ids.length === 0) break;
    await send(ids);
    recipients += ids.length;
    after = ids[ids.length - 1];
  }
  return { recipients };
}

async function existingAccounts(ctx: AppContext, ids: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const id of await recipientDirectory().accountIdsIn(ctx, ids.slice(i, i + 500))) found.add(id);
  }
  return ids.filter((id) => found.has(id));
}

/** Staff re-queue a failed delivery (e.g. after the channel's outage ended); only a failed one moves. */
export async function retryFailedDelivery(ctx: AppContext, deliveryId: string) {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .update(notificationDeliveries)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now })
    .where(and(eq(notificationDeliveries.id, deliveryId), eq(notificationDeliveries.state, 'failed')))
    .returning();
  if (!row) {
    const [exists] = await ctx.db
      .select({ state: notificationDeliveries.state })
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.id, deliveryId));
    if (!exists) throw errors.DELIVERY_NOT_FOUND();
    throw errors.DELIVERY_NOT_FAILED({ state: exists.state });
  }
  await ctx.jobs.send(DELIVER_JOB, {}, { singletonKey: 'nudge' }).catch(() => undefined);
  return { id: row.id, state: row.state };
}
