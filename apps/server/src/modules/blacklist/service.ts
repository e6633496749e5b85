import type { FastifyRequest } from 'fastify';
import { and, count, desc, eq, gt, isNull, isNotNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { audit } from '../../platform/audit.js';
import type { DomainError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { principalOf } from '../../platform/auth.js';
import { maskName } from '../../platform/pii.js';
import { blacklistEntries, blacklistRules, type BlacklistSource, type BlacklistTrigger } from './schema.js';
import {
  blindIndexOf,
  lastBannedDay,
  maskedNames,
  notifyBan,
  notifyLift,
  patientOf,
  personIdxOf,
} from './patients.js';
import type { PatientRecord } from '../identity/index.js';
import { incidentCounts } from './incidents.js';
import { errors } from './errors.js';

const DAY_MS = 86_400_000;

export interface BlacklistRuleInput {
  name: string;
  triggerKind: BlacklistTrigger;
  threshold: number;
  periodDays: number;
  banDays: number;
  enabled: boolean;
}

export type BlacklistEntryStatus = 'active' | 'scheduled' | 'expired' | 'lifted';

// ---------------------------------------------------------------------------------------------
// Enforcement (called by registration and the gateway)
// ---------------------------------------------------------------------------------------------

/**
 * Refuses a blacklisted patient: a ban blocks while it has started, has not ended by the clock and
 * has not been lifted. A ban follows the person: the same ID number under another patient record
 * is refused as well. The refusal names the reason and the last day of the ban (REG-20).
 */
export async function assertNotBlacklisted(ctx: AppContext, patientId: string, tx?: DbOrTx): Promise<void> {
  const ban = await activeBan(ctx, patientId, tx);
  if (ban) throw blacklisted(ctx, ban);
}

/** The same check for a caller that knows only the ID number (counter and third-party channels). */
export async function assertIdNumberNotBlacklisted(
  ctx: AppContext,
  idNumber: string,
  tx?: DbOrTx,
): Promise<void> {
  const ban = await banWhere(ctx, eq(blacklistEntries.personIdx, blindIndexOf(ctx, idNumber)), tx);
  if (ban) throw blacklisted(ctx, ban);
}

/** The ban in force for a patient now (the one ending last), if any. */
export async function activeBan(ctx: AppContext, patientId: string, tx?: DbOrTx) {
  const patient = await patientOf(ctx, patientId, tx).catch(() => undefined);
  const whose = patient
    ? or(
        eq(blacklistEntries.patientId, patientId),
        eq(blacklistEntries.personIdx, personIdxOf(ctx, patient)),
      )!
    : eq(blacklistEntries.patientId, patientId);
  return banWhere(ctx, whose, tx);
}

async function banWhere(ctx: AppContext, whose: SQL, tx?: DbOrTx) {
  const now = ctx.clock.now();
  const [ban] = await (tx ?? ctx.db)
    .select()
    .from(blacklistEntries)
    .where(and(whose, activeAt(now)))
    .orderBy(desc(blacklistEntries.endsAt))
    .limit(1);
  return ban;
}

function blacklisted(ctx: AppContext, ban: typeof blacklistEntries.$inferSelect): DomainError {
  const endsOn = lastBannedDay(ctx, ban.endsAt);
  return errors.PATIENT_BLACKLISTED(
    { reason: ban.reason, endsOn },
    { reason: ban.reason, endsAt: ban.endsAt.toISOString(), endsOn, entryId: ban.id },
  );
}

/**
 * Applies every enabled rule to one patient and bans them when a rule's trigger fires. Called by
 * registration after it marks no-shows and after cancellations. Idempotent: a rule never holds two
 * live bans on one patient, and incidents already punished by a rule's earlier ban (even a lifted
 * one) are not counted again, so an admin's lift is not undone by the next evaluation.
 */
export async function evaluateBlacklistRules(
  ctx: AppContext,
  patientId: string,
): Promise<Array<typeof blacklistEntries.$inferSelect>> {
  const rules = await ctx.db
    .select()
    .from(blacklistRules)
    .where(and(eq(blacklistRules.enabled, true), isNull(blacklistRules.deletedAt)))
    .orderBy(blacklistRules.createdAt);
  if (rules.length === 0) return [];
  const patient = await patientOf(ctx, patientId).catch(() => undefined);
  if (!patient) return [];
  const created: Array<typeof blacklistEntries.$inferSelect> = [];
  for (const rule of rules) {
    const entry = await applyRule(ctx, rule, patient);
    if (entry) created.push(entry);
  }
  return created;
}

async function applyRule(
  ctx: AppContext,
  rule: typeof blacklistRules.$inferSelect,
  patient: PatientRecord,
): Promise<typeof blacklistEntries.$inferSelect | undefined> {
  const patientId = patient.id;
  const now = ctx.clock.now();
  const last = await lastRuleEntry(ctx.db, rule.id, patientId);
  if (last && !last.liftedAt && last.endsAt > now) return undefined;
  const windowStart = new Date(now.getTime() - rule.periodDays * DAY_MS);
  // Incidents up to the previous ban's start (inclusive) were punished by it; count only later ones.
  const afterLast = last ? new Date(last.startsAt.getTime() + 1) : undefined;
  const since = afterLast && afterLast > windowStart ? afterLast : windowStart;
  // Counted outside the transaction: registration's counters (the incident port) read through ctx.db.
  const incidents = await countIncidents(ctx, rule.triggerKind, patientId, since);
  if (incidents < rule.threshold) return undefined;

  return ctx.db.transaction(async (tx) => {
    // One evaluation per patient at a time; the re-read below sees any ban a concurrent one wrote.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${'blacklist:' + patientId}, 0))`);
    const latest = await lastRuleEntry(tx, rule.id, patientId);
    if (latest && latest.id !== last?.id) return undefined;
    const [entry] = await tx
      .insert(blacklistEntries)
      .values({
        id: newId(),
        patientId,
        personIdx: personIdxOf(ctx, patient),
        reason: ruleReason(rule, incidents),
        source: 'rule',
        ruleId: rule.id,
        startsAt: now,
        endsAt: new Date(now.getTime() + rule.banDays * DAY_MS),
        createdAt: now,
      })
      .returning();
    await notifyBan(ctx, patient, entry, tx);
    return entry;
  });
}

async function countIncidents(
  ctx: AppContext,
  kind: BlacklistTrigger,
  patientId: string,
  since: Date,
): Promise<number> {
  return kind === 'no_shows'
    ? incidentCounts().noShows(ctx, patientId, since)
    : incidentCounts().cancellations(ctx, patientId, since);
}

function ruleReason(rule: typeof blacklistRules.$inferSelect, incidents: number): string {
  const what = rule.triggerKind === 'no_shows' ? '爽约' : '退号';
  return `${rule.periodDays}天内${what}${incidents}次（规则：${rule.name}）`;
}

async function lastRuleEntry(db: DbOrTx, ruleId: string, patientId: string) {
  const [row] = await db
    .select()
    .from(blacklistEntries)
    .where(and(eq(blacklistEntries.ruleId, ruleId), eq(blacklistEntries.patientId, patientId)))
    .orderBy(desc(blacklistEntries.startsAt), desc(blacklistEntries.createdAt))
    .limit(1);
  return row;
}

const activeAt = (now: Date) =>
  and(
    isNull(blacklistEntries.liftedAt),
    lte(blacklistEntries.startsAt, now),
    gt(blacklistEntries.endsAt, now),
  );

// ---------------------------------------------------------------------------------------------
// Console: rules (ADM-14)
// ---------------------------------------------------------------------------------------------

export async function listRules(ctx: AppContext) {
  return ctx.db
    .select()
    .from(blacklistRules)
    .where(isNull(blacklistRules.deletedAt))
    .orderBy(blacklistRules.createdAt, blacklistRules.name);
}

export async function getRule(ctx: AppContext, id: string) {
  const [rule] = await ctx.db
    .select()
    .from(blacklistRules)
    .where(and(eq(blacklistRules.id, id), isNull(blacklistRules.deletedAt)));
  if (!rule) throw ruleNotFound();
  return rule;
}

export async function createRule(ctx: AppContext, req: FastifyRequest, input: BlacklistRuleInput) {
  principalOf(req);
  const now = ctx.clock.now();
  const [row] = await uniqueName(
    ctx.db
      .insert(blacklistRules)
      .values({ id: newId(), ...input, createdAt: now, updatedAt: now })
      .returning(),
  );
  await audit(ctx, req, {
    action: 'blacklist.rule.create',
    objectType: 'blacklist_rule',
    objectId: row.id,
    detail: { ...input },
  });
  return row;
}

export async function updateRule(
  ctx: AppContext,
  req: FastifyRequest,
  id: string,
  patch: Partial<BlacklistRuleInput>,
) {
  principalOf(req);
  const [row] = await uniqueName(
    ctx.db
      .update(blacklistRules)
      .set({ ...patch, updatedAt: ctx.clock.now() })
      .where(and(eq(blacklistRules.id, id), isNull(blacklistRules.deletedAt)))
      .returning(),
  );
  if (!row) throw ruleNotFound();
  await audit(ctx, req, {
    action: 'blacklist.rule.update',
    objectType: 'blacklist_rule',
    objectId: id,
    detail: { ...patch },
  });
  return row;
}

/** Deleting a rule keeps its row (existing bans name it) and stops it from firing. */
export async function deleteRule(ctx: AppContext, req: FastifyRequest, id: string) {
  principalOf(req);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .update(blacklistRules)
    .set({ deletedAt: now, enabled: false, updatedAt: now })
    .where(and(eq(blacklistRules.id, id), isNull(blacklistRules.deletedAt)))
    .returning({ id: blacklistRules.id });
  if (rows.length === 0) throw ruleNotFound();
  await audit(ctx, req, { action: 'blacklist.rule.delete', objectType: 'blacklist_rule', objectId: id });
}

async function ruleById(ctx: AppContext, id: string) {
  const [rule] = await ctx.db.select().from(blacklistRules).where(eq(blacklistRules.id, id));
  return rule;
}

async function uniqueName<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw errors.BLACKLIST_RULE_NAME_TAKEN();
    }
    throw e;
  }
}

const ruleNotFound = () => errors.BLACKLIST_RULE_NOT_FOUND();

// ---------------------------------------------------------------------------------------------
// Console: entries (manual add, lift, listing)
// ---------------------------------------------------------------------------------------------

export interface EntryFilters {
  patientId?: string;
  status?: BlacklistEntryStatus;
  source?: BlacklistSource;
  page: number;
  pageSize: number;
}

export async function listEntries(ctx: AppContext, req: FastifyRequest, f: EntryFilters) {
  principalOf(req);
  const now = ctx.clock.now();
  const where: SQL[] = [];
  if (f.patientId) where.push(eq(blacklistEntries.patientId, f.patientId));
  if (f.source) where.push(eq(blacklistEntries.source, f.source));
  if (f.status === 'active') where.push(activeAt(now)!);
  if (f.status === 'scheduled')
    where.push(and(isNull(blacklistEntries.liftedAt), gt(blacklistEntries.startsAt, now))!);
  if (f.status === 'expired')
    where.push(and(isNull(blacklistEntries.liftedAt), lte(blacklistEntries.endsAt, now))!);
  if (f.status === 'lifted') where.push(isNotNull(blacklistEntries.liftedAt));
  const cond = where.length ? and(...where) : undefined;
  const [{ total }] = await ctx.db.select({ total: count() }).from(blacklistEntries).where(cond);
  const rows = await ctx.db
    .select({ entry: blacklistEntries, ruleName: blacklistRules.name })
    .from(blacklistEntries)
    .leftJoin(blacklistRules, eq(blacklistRules.id, blacklistEntries.ruleId))
    .where(cond)
    .orderBy(desc(blacklistEntries.createdAt), desc(blacklistEntries.id))
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize);
  const names = await maskedNames(
    ctx,
    rows.map((r) => r.entry.patientId),
  );
  await audit(ctx, req, {
    action: 'blacklist.list',
    objectType: 'blacklist_entry',
    detail: { patientId: f.patientId, status: f.status, source: f.source, page: f.page, count: rows.length },
  });
  return {
    total: Number(total),
    items: rows.map((r) => ({
      ...r.entry,
      ruleName: r.ruleName,
      patientNameMasked: names.get(r.entry.patientId) ?? null,
      status: entryStatus(r.entry, now),
    })),
  };
}

export function entryStatus(e: typeof blacklistEntries.$inferSelect, now: Date): BlacklistEntryStatus {
  if (e.liftedAt) return 'lifted';
  if (e.endsAt <= now) return 'expired';
  if (e.startsAt > now) return 'scheduled';
  return 'active';
}

/** An admin bans a patient by hand (ADM-14) for `days` days from now, with a reason. */
export async function addManualEntry(
  ctx: AppContext,
  req: FastifyRequest,
  input: { patientId: string; reason: string; days: number },
) {
  const staff = principalOf(req);
  const patient = await patientOf(ctx, input.patientId);
  const now = ctx.clock.now();
  const entry = await ctx.db.transaction(async (tx) => {
    await tx.execute(
      sql`SELECT pg_advisory_xact_lock(hashtextextended(${'blacklist:' + input.patientId}, 0))`,
    );
    const current = await activeBan(ctx, input.patientId, tx);
    if (current) {
      throw errors.PATIENT_ALREADY_BLACKLISTED({
        entryId: current.id,
        endsAt: current.endsAt.toISOString(),
      });
    }
    const [row] = await tx
      .insert(blacklistEntries)
      .values({
        id: newId(),
        patientId: input.patientId,
        personIdx: personIdxOf(ctx, patient),
        reason: input.reason,
        source: 'manual',
        startsAt: now,
        endsAt: new Date(now.getTime() + input.days * DAY_MS),
        createdBy: staff.id,
        createdAt: now,
      })
      .returning();
    await notifyBan(ctx, patient, row, tx);
    return row;
  });
  await audit(ctx, req, {
    action: 'blacklist.add',
    objectType: 'blacklist_entry',
    objectId: entry.id,
    detail: { patientId: input.patientId, days: input.days, reason: input.reason },
  });
  return {
    ...entry,
    ruleName: null,
    patientNameMasked: maskName(patient.name),
    status: entryStatus(entry, now),
  };
}

/** Lifts a ban still in force; the reason is kept with the entry. */
export async function liftEntry(ctx: AppContext, req: FastifyRequest, id: string, reason: string) {
  const staff = principalOf(req);
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .update(blacklistEntries)
    .set({ liftedAt: now, liftedBy: staff.id, liftReason: reason })
    .where(
      and(eq(blacklistEntries.id, id), isNull(blacklistEntries.liftedAt), gt(blacklistEntries.endsAt, now)),
    )
    .returning();
  if (!row) {
    const [existing] = await ctx.db.select().from(blacklistEntries).where(eq(blacklistEntries.id, id));
    if (!existing) throw errors.BLACKLIST_ENTRY_NOT_FOUND();
    await audit(ctx, req, {
      action: 'blacklist.lift',
      objectType: 'blacklist_entry',
      objectId: id,
      outcome: 'failed',
      detail: { status: entryStatus(existing, now) },
    });
    throw errors.BLACKLIST_ENTRY_NOT_ACTIVE({ status: entryStatus(existing, now) });
  }
  await audit(ctx, req, {
    action: 'blacklist.lift',
    objectType: 'blacklist_entry',
    objectId: id,
    detail: { patientId: row.patientId, reason },
  });
  const patient = await patientOf(ctx, row.patientId).catch(() => undefined);
  if (patient) await notifyLift(ctx, patient);
  const names = await maskedNames(ctx, [row.patientId]);
  const ruleName = row.ruleId ? ((await ruleById(ctx, row.ruleId))?.name ?? null) : null;
  return {
    ...row,
    ruleName,
    patientNameMasked: names.get(row.patientId) ?? null,
    status: entryStatus(row, now),
  };
}
