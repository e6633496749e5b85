import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { dayjs, hospitalTime } from '../../platform/clock.js';
import { DomainError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  releaseRules,
  scheduleSegments,
  scheduleTemplates,
  schedules,
  shifts,
  slots,
  type BookingChannel,
  type RegistrationLevel,
  type SlotBucket,
} from './schema.js';
import { rowsOf } from './slots.js';
import { earliestBookableStart } from './check-in-window.js';
import { DOCTOR_TITLES, directoryNames } from '../directory/index.js';

export type Shift = typeof shifts.$inferSelect;
export type ScheduleTemplate = typeof scheduleTemplates.$inferSelect;
export type Schedule = typeof schedules.$inferSelect;
export type ScheduleSegment = typeof scheduleSegments.$inferSelect;
export type ReleaseRule = typeof releaseRules.$inferSelect;

export const CHANNELS: BookingChannel[] = ['online', 'counter', 'third_party'];

// ---------------------------------------------------------------- shifts (SCH-02)

export async function listShifts(ctx: AppContext): Promise<Shift[]> {
  return ctx.db.select().from(shifts).orderBy(asc(shifts.sort), asc(shifts.code));
}

export async function upsertShift(ctx: AppContext, input: Shift): Promise<Shift> {
  if (input.startTime >= input.endTime)
    throw badRequest('SHIFT_TIMES_INVALID', '班次结束时间须晚于开始时间', 'Shift must end after it starts');
  const [row] = await ctx.db
    .insert(shifts)
    .values(input)
    .onConflictDoUpdate({
      target: shifts.code,
      set: {
        nameZh: input.nameZh,
        nameEn: input.nameEn,
        startTime: input.startTime,
        endTime: input.endTime,
        sort: input.sort,
      },
    })
    .returning();
  return row;
}

async function getShift(db: Db, code: string): Promise<Shift> {
  const [s] = await db.select().from(shifts).where(eq(shifts.code, code));
  if (!s) throw notFound('shift', '班次');
  return s;
}

// ---------------------------------------------------------------- templates (SCH-03)

export interface TemplateInput {
  doctorId: string;
  departmentId: string;
  weekdays: number[];
  shiftCode: string;
  segmentMinutes: number;
  slotsPerSegment: number;
  level: RegistrationLevel;
  feeFen: number;
  enabled: boolean;
}

export async function listTemplates(
  ctx: AppContext,
  filter: { departmentId?: string; doctorId?: string } = {},
): Promise<ScheduleTemplate[]> {
  const conds = [];
  if (filter.departmentId) conds.push(eq(scheduleTemplates.departmentId, filter.departmentId));
  if (filter.doctorId) conds.push(eq(scheduleTemplates.doctorId, filter.doctorId));
  return ctx.db
    .select()
    .from(scheduleTemplates)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(scheduleTemplates.departmentId), asc(scheduleTemplates.doctorId));
}

export async function createTemplate(ctx: AppContext, input: TemplateInput): Promise<ScheduleTemplate> {
  await getShift(ctx.db, input.shiftCode);
  const now = ctx.clock.now();
  try {
    const [row] = await ctx.db
      .insert(scheduleTemplates)
      .values({
        id: newId(),
        ...input,
        weekdays: [...new Set(input.weekdays)].sort(),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row;
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict(
        'TEMPLATE_EXISTS',
        '该医生在此科室的该班次已有排班模板',
        'A template for this doctor, department and shift exists',
      );
    throw e;
  }
}

export async function updateTemplate(
  ctx: AppContext,
  id: string,
  patch: Partial<Omit<TemplateInput, 'doctorId' | 'departmentId'>>,
): Promise<ScheduleTemplate> {
  if (patch.shiftCode) await getShift(ctx.db, patch.shiftCode);
  const [row] = await ctx.db
    .update(scheduleTemplates)
    .set({
      ...patch,
      ...(patch.weekdays ? { weekdays: [...new Set(patch.weekdays)].sort() } : {}),
      updatedAt: ctx.clock.now(),
    })
    .where(eq(scheduleTemplates.id, id))
    .returning();
  if (!row) throw notFound('schedule template', '排班模板');
  return row;
}

export async function deleteTemplate(ctx: AppContext, id: string): Promise<void> {
  const r = await ctx.db.delete(scheduleTemplates).where(eq(scheduleTemplates.id, id)).returning();
  if (r.length === 0) throw notFound('schedule template', '排班模板');
}

/**
 * Creates the schedules of every enabled template for the next `weeks` weeks (from today in the
 * hospital zone). Idempotent: the unique key doctor+department+date+shift skips days already
 * generated, including those edited or stopped by hand since.
 */
export async function generateSchedules(
  ctx: AppContext,
  opts: { weeks?: number; days?: number } = {},
): Promise<{ created: number }> {
  const days = opts.days ?? (opts.weeks ?? ctx.config.SCHEDULE_GENERATE_WEEKS) * 7;
  const templates = await ctx.db.select().from(scheduleTemplates).where(eq(scheduleTemplates.enabled, true));
  const today = ctx.clock.today();
  const shiftByCode = new Map((await listShifts(ctx)).map((s) => [s.code, s]));
  const last = dayjs(today)
    .add(days - 1, 'day')
    .format('YYYY-MM-DD');
  const existing = new Set(
    (
      await ctx.db
        .select({
          d: schedules.doctorId,
          p: schedules.departmentId,
          c: schedules.clinicDate,
          s: schedules.shiftCode,
        })
        .from(schedules)
        .where(and(gte(schedules.clinicDate, today), lte(schedules.clinicDate, last)))
    ).map((r) => `${r.d}|${r.p}|${r.c}|${r.s}`),
  );
  const planned: PlannedSchedule[] = [];
  for (let i = 0; i < days; i++) {
    const date = dayjs(today).add(i, 'day').format('YYYY-MM-DD');
    const weekday = isoWeekday(date);
    for (const tpl of templates) {
      if (!tpl.weekdays.includes(weekday)) continue;
      const shift = shiftByCode.get(tpl.shiftCode);
      if (!shift) continue;
      if (existing.has(`${tpl.doctorId}|${tpl.departmentId}|${date}|${tpl.shiftCode}`)) continue;
      planned.push({
        doctorId: tpl.doctorId,
        departmentId: tpl.departmentId,
        clinicDate: date,
        shift,
        segmentMinutes: tpl.segmentMinutes,
        slotsPerSegment: tpl.slotsPerSegment,
        level: tpl.level,
        feeFen: tpl.feeFen,
        templateId: tpl.id,
      });
    }
  }
  let created = 0;
  for (let i = 0; i < planned.length; i += 50) {
    const batch = planned.slice(i, i + 50);
    created += (await ctx.db.transaction((tx) => insertSchedulesWithSlots(ctx, tx, batch))).length;
  }
  return { created };
}

// ---------------------------------------------------------------- schedules (SCH-04)

export interface ScheduleInput {
  doctorId: string;
  departmentId: string;
  clinicDate: string;
  shiftCode: string;
  segmentMinutes: number;
  slotsPerSegment: number;
  level: RegistrationLevel;
  feeFen: number;
}

export async function createSchedule(ctx: AppContext, input: ScheduleInput): Promise<Schedule> {
  const shift = await getShift(ctx.db, input.shiftCode);
  const [id] = await ctx.db.transaction((tx) =>
    insertSchedulesWithSlots(ctx, tx, [{ ...input, shift, templateId: null }]),
  );
  if (!id)
    throw conflict(
      'SCHEDULE_EXISTS',
      '该医生当天该班次已有排班',
      'The doctor already has a schedule in this department, date and shift',
    );
  return getSchedule(ctx, id);
}

export async function getSchedule(ctx: AppContext | { db: Db }, id: string): Promise<Schedule> {
  const [s] = await ctx.db.select().from(schedules).where(eq(schedules.id, id));
  if (!s) throw notFound('schedule', '排班');
  return s;
}

export async function getSegments(db: Db, scheduleId: string): Promise<ScheduleSegment[]> {
  return db
    .select()
    .from(scheduleSegments)
    .where(eq(scheduleSegments.scheduleId, scheduleId))
    .orderBy(asc(scheduleSegments.seq));
}

/** Hand edits of level and fee apply to bookings made afterwards; existing ones keep their fee. */
export async function updateSchedule(
  ctx: AppContext,
  id: string,
  patch: { level?: RegistrationLevel; feeFen?: number },
): Promise<Schedule> {
  const [row] = await ctx.db
    .update(schedules)
    .set({ ...patch, updatedAt: ctx.clock.now() })
    .where(eq(schedules.id, id))
    .returning();
  if (!row) throw notFound('schedule', '排班');
  return row;
}

/**
 * 停诊, first step inside the caller's transaction: locks the schedule row (FOR UPDATE, so a stop
 * waits for bookings and other stops of the same schedule and they wait for it) and checks that the
 * schedule, or the named segment of it, exists and is not stopped yet. Then markStopped.
 */
export async function lockScheduleForStop(
  tx: Tx,
  input: { scheduleId: string; segmentId?: string },
): Promise<{ id: string }> {
  const [s] = await tx.select().from(schedules).where(eq(schedules.id, input.scheduleId)).for('update');
  if (!s) throw new DomainError('SCHEDULE_NOT_FOUND', 404, '排班不存在', 'schedule not found');
  if (input.segmentId) {
    const [g] = await tx
      .select()
      .from(scheduleSegments)
      .where(and(eq(scheduleSegments.id, input.segmentId), eq(scheduleSegments.scheduleId, s.id)));
    if (!g) throw new DomainError('SEGMENT_NOT_FOUND', 404, '时段不存在', 'segment not found');
    if (g.state === 'stopped')
      throw conflict('ALREADY_STOPPED', '该时段已停诊', 'This segment is already stopped');
  } else if (s.state === 'stopped')
    throw conflict('ALREADY_STOPPED', '该排班已停诊', 'This clinic is already stopped');
  return { id: s.id };
}

/**
 * Withdraws a schedule (or one segment) from every channel inside the caller's transaction: the
 * schedule/segment becomes 'stopped' and its free slots 'stopped', so no channel can take them any
 * more. The caller cancels the live registrations in the same transaction (REG-16).
 */
export async function markStopped(
  tx: Tx,
  input: { scheduleId: string; segmentId?: string; reason: string; now: Date },
): Promise<void> {
  if (input.segmentId) {
    const r = await tx
      .update(scheduleSegments)
      .set({ state: 'stopped', stopReason: input.reason })
      .where(
        and(
          eq(scheduleSegments.id, input.segmentId),
          eq(scheduleSegments.scheduleId, input.scheduleId),
          eq(scheduleSegments.state, 'open'),
        ),
      )
      .returning();
    if (r.length === 0) throw await stopRefusal(tx, input);
    await tx
      .update(slots)
      .set({ state: 'stopped', updatedAt: input.now })
      .where(and(eq(slots.segmentId, input.segmentId), eq(slots.state, 'available')));
    // A schedule whose segments are all stopped is stopped as a whole.
    await tx.execute(sql`
      UPDATE schedules SET state = 'stopped', stop_reason = ${input.reason}, stopped_at = ${input.now}, updated_at = ${input.now}
       WHERE id = ${input.scheduleId} AND state = 'open'
         AND NOT EXISTS (SELECT 1 FROM schedule_segments WHERE schedule_id = ${input.scheduleId} AND state = 'open')`);
    return;
  }
  const [stopped] = await tx
    .update(schedules)
    .set({ state: 'stopped', stopReason: input.reason, stoppedAt: input.now, updatedAt: input.now })
    .where(and(eq(schedules.id, input.scheduleId), eq(schedules.state, 'open')))
    .returning({ id: schedules.id });
  if (!stopped) throw await stopRefusal(tx, input);
  await tx
    .update(scheduleSegments)
    .set({ state: 'stopped', stopReason: input.reason })
    .where(and(eq(scheduleSegments.scheduleId, input.scheduleId), eq(scheduleSegments.state, 'open')));
  await tx
    .update(slots)
    .set({ state: 'stopped', updatedAt: input.now })
    .where(and(eq(slots.scheduleId, input.scheduleId), eq(slots.state, 'available')));
}

/**
 * Why a stop changed nothing: the schedule or segment is gone, or someone stopped it first (their
 * reason and time stand; the caller's transaction rolls back, so no registration is cancelled twice).
 */
async function stopRefusal(tx: Tx, input: { scheduleId: string; segmentId?: string }): Promise<DomainError> {
  if (input.segmentId) {
    const [g] = await tx
      .select({ state: scheduleSegments.state })
      .from(scheduleSegments)
      .where(
        and(eq(scheduleSegments.id, input.segmentId), eq(scheduleSegments.scheduleId, input.scheduleId)),
      );
    if (!g) return notFound('segment', '时段');
    return conflict('ALREADY_STOPPED', '该时段已停诊', 'This segment is already stopped');
  }
  const [s] = await tx
    .select({ state: schedules.state })
    .from(schedules)
    .where(eq(schedules.id, input.scheduleId));
  if (!s) return new DomainError('SCHEDULE_NOT_FOUND', 404, '排班不存在', 'schedule not found');
  return conflict('ALREADY_STOPPED', '该排班已停诊', 'This clinic is already stopped');
}

/** Open schedules on dates in [from, to], optionally of one department or doctor (holiday or day stop, SCH-06). */
export async function openSchedulesBetween(
  ctx: AppContext,
  from: string,
  to: string,
  scope: { departmentId?: string; doctorId?: string } = {},
): Promise<Schedule[]> {
  const conds = [gte(schedules.clinicDate, from), lte(schedules.clinicDate, to), eq(schedules.state, 'open')];
  if (scope.departmentId) conds.push(eq(schedules.departmentId, scope.departmentId));
  if (scope.doctorId) conds.push(eq(schedules.doctorId, scope.doctorId));
  return ctx.db
    .select()
    .from(schedules)
    .where(and(...conds));
}

/** 加号: extra numbered slots in one segment, after the highest number of the schedule. */
export async function addExtraSlots(
  ctx: AppContext,
  scheduleId: string,
  input: { segmentId: string; count: number; channel: SlotBucket },
): Promise<{ numbers: number[] }> {
  return ctx.db.transaction(async (tx) => {
    // Serialise concurrent 加号 on one schedule so numbers stay unique and sequential.
    const [s] = await tx.select().from(schedules).where(eq(schedules.id, scheduleId)).for('update');
    if (!s) throw notFound('schedule', '排班');
    const [seg] = await tx
      .select()
      .from(scheduleSegments)
      .where(and(eq(scheduleSegments.id, input.segmentId), eq(scheduleSegments.scheduleId, scheduleId)));
    if (!seg) throw notFound('segment', '时段');
    if (s.state !== 'open' || seg.state !== 'open')
      throw conflict('SCHEDULE_STOPPED', '该排班已停诊，不能加号', 'The clinic is stopped; no extra slots');
    const [{ max }] = rowsOf(
      await tx.execute(
        sql`SELECT coalesce(max(number), 0) AS max FROM slots WHERE schedule_id = ${scheduleId}`,
      ),
    ) as { max: number }[];
    const now = ctx.clock.now();
    const numbers = Array.from({ length: input.count }, (_, i) => Number(max) + i + 1);
    await tx.insert(slots).values(
      numbers.map((number) => ({
        id: newId(),
        scheduleId,
        segmentId: seg.id,
        number,
        channel: input.channel,
        state: 'available' as const,
        isExtra: true,
        updatedAt: now,
      })),
    );
    return { numbers };
  });
}

// ---------------------------------------------------------------- release rules (SCH-05, SCH-09)

export async function listReleaseRules(ctx: AppContext): Promise<ReleaseRule[]> {
  return ctx.db.select().from(releaseRules).orderBy(asc(releaseRules.channel));
}

export async function getReleaseRule(db: Db, channel: BookingChannel): Promise<ReleaseRule> {
  const [r] = await db.select().from(releaseRules).where(eq(releaseRules.channel, channel));
  if (!r) throw notFound('release rule', '放号规则');
  return r;
}

export async function updateReleaseRule(
  ctx: AppContext,
  channel: BookingChannel,
  patch: Partial<
    Pick<ReleaseRule, 'reservedPercent' | 'daysAhead' | 'releaseTime' | 'sameDayOnlyLevels' | 'enabled'>
  >,
): Promise<ReleaseRule> {
  const [row] = await ctx.db
    .update(releaseRules)
    .set({ ...patch, updatedAt: ctx.clock.now() })
    .where(eq(releaseRules.channel, channel))
    .returning();
  if (!row) throw notFound('release rule', '放号规则');
  return row;
}

/**
 * When a schedule's slots open to a channel: `daysAhead` days before the clinic date at the
 * release time, or on the clinic day itself for same-day-only levels.
 */
export function releaseAt(
  ctx: AppContext,
  rule: ReleaseRule,
  s: Pick<Schedule, 'clinicDate' | 'level'>,
): Date {
  const sameDayOnly = rule.sameDayOnlyLevels.includes(s.level);
  const day = dayjs(s.clinicDate)
    .subtract(sameDayOnly ? 0 : rule.daysAhead, 'day')
    .format('YYYY-MM-DD');
  return hospitalTime(day, rule.releaseTime, ctx.config.HOSPITAL_TIMEZONE);
}

/** Refuses when the channel may not book this schedule now (release time, channel switched off). */
export function assertReleased(ctx: AppContext, rule: ReleaseRule, s: Schedule): void {
  if (!rule.enabled)
    throw new DomainError('CHANNEL_DISABLED', 403, '该渠道暂停挂号', 'This channel is not taking bookings');
  const at = releaseAt(ctx, rule, s);
  if (ctx.clock.now() < at)
    throw new DomainError(
      'NOT_RELEASED_YET',
      409,
      `号源尚未开放，将于 ${dayjs(at).tz(ctx.config.HOSPITAL_TIMEZONE).format('YYYY-MM-DD HH:mm')} 放号`,
      'Slots of this clinic are not released yet',
      { releaseAt: at.toISOString() },
    );
}

// ---------------------------------------------------------------- browsing (REG-03/04/05)

/**
 * A segment as a channel sees it: 'open' while it can be booked, 'closed' once its check-in has
 * closed but it has not ended (nothing can be sold: see check-in-window.ts), 'past' once it ended,
 * 'stopped' when withdrawn (停诊). `full` is only ever true for an open segment with nothing left;
 * `booked` counts the slots held by registrations (locked or booked), whatever the state.
 */
export type SegmentViewState = 'open' | 'closed' | 'past' | 'stopped';

export interface SegmentView {
  id: string;
  seq: number;
  startAt: Date;
  endAt: Date;
  state: SegmentViewState;
  total: number;
  remaining: number;
  booked: number;
  full: boolean;
}

export interface ScheduleView {
  id: string;
  doctorId: string;
  departmentId: string;
  clinicDate: string;
  shiftCode: string;
  startAt: Date;
  endAt: Date;
  level: RegistrationLevel;
  feeFen: number;
  /** 'past' once the session ended (已结束); 'stopped' when withdrawn */
  state: 'open' | 'stopped' | 'past';
  /** no segment can be booked any more because of the time (check-in closed or ended) */
  bookingClosed: boolean;
  stopReason: string | null;
  releaseAt: Date;
  released: boolean;
  total: number;
  remaining: number;
  booked: number;
  /** sold out while still bookable by time */
  full: boolean;
  segments: SegmentView[];
}

/**
 * Schedules with the slots a channel can still take, per segment; stopped and full ones are
 * included and flagged so patients see them rather than an empty day.
 */
export async function browseSchedules(
  ctx: AppContext,
  filter: { departmentId?: string; doctorId?: string; from: string; to: string; ids?: string[] },
  channel: BookingChannel = 'online',
): Promise<ScheduleView[]> {
  const conds = [gte(schedules.clinicDate, filter.from), lte(schedules.clinicDate, filter.to)];
  if (filter.departmentId) conds.push(eq(schedules.departmentId, filter.departmentId));
  if (filter.doctorId) conds.push(eq(schedules.doctorId, filter.doctorId));
  if (filter.ids) conds.push(inArray(schedules.id, filter.ids.length ? filter.ids : ['']));
  const list = await ctx.db
    .select()
    .from(schedules)
    .where(and(...conds))
    .orderBy(asc(schedules.clinicDate), asc(schedules.startAt), asc(schedules.doctorId))
    .limit(500);
  if (list.length === 0) return [];
  const ids = list.map((s) => s.id);
  const [segs, counts, rule] = await Promise.all([
    ctx.db
      .select()
      .from(scheduleSegments)
      .where(inArray(scheduleSegments.scheduleId, ids))
      .orderBy(asc(scheduleSegments.seq)),
    ctx.db
      .select({
        segmentId: slots.segmentId,
        total: sql<number>`count(*) FILTER (WHERE ${slots.channel} IN ('shared', ${channel}))`,
        remaining: sql<number>`count(*) FILTER (WHERE ${slots.state} = 'available' AND ${slots.channel} IN ('shared', ${channel}))`,
        booked: sql<number>`count(*) FILTER (WHERE ${slots.state} IN ('locked', 'booked'))`,
      })
      .from(slots)
      .where(inArray(slots.scheduleId, ids))
      .groupBy(slots.segmentId),
    getReleaseRule(ctx.db, channel),
  ]);
  const countBySeg = new Map(counts.map((c) => [c.segmentId, c]));
  const now = ctx.clock.now();
  const bookableFrom = earliestBookableStart(ctx.config, now);
  return list.map((s) => {
    const segments: SegmentView[] = segs
      .filter((g) => g.scheduleId === s.id)
      .map((g) => {
        const c = countBySeg.get(g.id);
        const state: SegmentViewState =
          g.state !== 'open' || s.state !== 'open'
            ? 'stopped'
            : g.endAt <= now
              ? 'past'
              : g.startAt < bookableFrom
                ? 'closed'
                : 'open';
        const remaining = state === 'open' ? Number(c?.remaining ?? 0) : 0;
        return {
          id: g.id,
          seq: g.seq,
          startAt: g.startAt,
          endAt: g.endAt,
          state,
          total: Number(c?.total ?? 0),
          remaining,
          booked: Number(c?.booked ?? 0),
          full: state === 'open' && remaining === 0,
        };
      });
    const remaining = segments.reduce((a, g) => a + g.remaining, 0);
    const bookableByTime = segments.some((g) => g.state === 'open');
    const at = releaseAt(ctx, rule, s);
    return {
      id: s.id,
      doctorId: s.doctorId,
      departmentId: s.departmentId,
      clinicDate: s.clinicDate,
      shiftCode: s.shiftCode,
      startAt: s.startAt,
      endAt: s.endAt,
      level: s.level,
      feeFen: s.feeFen,
      state: s.state === 'open' && s.endAt <= now ? 'past' : s.state,
      bookingClosed: s.state === 'open' && !bookableByTime,
      stopReason: s.stopReason,
      releaseAt: at,
      released: now >= at,
      total: segments.reduce((a, g) => a + g.total, 0),
      remaining,
      booked: segments.reduce((a, g) => a + g.booked, 0),
      full: bookableByTime && remaining === 0,
      segments,
    };
  });
}

/** Days of the booking horizon with the department's clinics and what is left (REG-04 calendar). */
export async function departmentScheduleDays(
  ctx: AppContext,
  departmentId: string,
  channel: BookingChannel = 'online',
): Promise<{ date: string; schedules: number; remaining: number; released: boolean }[]> {
  const rule = await getReleaseRule(ctx.db, channel);
  const today = ctx.clock.today();
  const last = dayjs(today).add(Math.max(rule.daysAhead, 0), 'day').format('YYYY-MM-DD');
  const views = await browseSchedules(ctx, { departmentId, from: today, to: last }, channel);
  const days: { date: string; schedules: number; remaining: number; released: boolean }[] = [];
  for (let d = today; d <= last; d = dayjs(d).add(1, 'day').format('YYYY-MM-DD')) {
    const of = views.filter((v) => v.clinicDate === d);
    days.push({
      date: d,
      schedules: of.length,
      remaining: of.reduce((a, v) => a + (v.released ? v.remaining : 0), 0),
      released: of.some((v) => v.released),
    });
  }
  return days;
}

/** Adds the doctor's name and title and the department's name for display (REG-03, SCH-08). */
export async function withNames(ctx: AppContext, views: ScheduleView[]) {
  const names = await directoryNames(ctx, {
    doctorIds: views.map((v) => v.doctorId),
    departmentIds: views.map((v) => v.departmentId),
  });
  return views.map((v) => {
    const d = names.doctors.get(v.doctorId);
    return {
      ...v,
      doctorName: d?.name ?? null,
      doctorTitle: d?.title ?? null,
      doctorTitleLabel: d ? DOCTOR_TITLES[d.title] : null,
      departmentName: names.departments.get(v.departmentId) ?? null,
    };
  });
}

// ---------------------------------------------------------------- helpers

type PlannedSchedule = Omit<ScheduleInput, 'shiftCode'> & { shift: Shift; templateId: string | null };

/**
 * Inserts schedules with their segments and slots in batches; returns the ids created. A schedule
 * whose doctor+department+date+shift already exists is skipped (generation is idempotent).
 */
async function insertSchedulesWithSlots(
  ctx: AppContext,
  tx: Tx,
  planned: PlannedSchedule[],
): Promise<string[]> {
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const now = ctx.clock.now();
  const rows = planned.map((p) => ({
    p,
    row: {
      id: newId(),
      doctorId: p.doctorId,
      departmentId: p.departmentId,
      clinicDate: p.clinicDate,
      shiftCode: p.shift.code,
      startAt: hospitalTime(p.clinicDate, p.shift.startTime, tz),
      endAt: hospitalTime(p.clinicDate, p.shift.endTime, tz),
      level: p.level,
      feeFen: p.feeFen,
      state: 'open' as const,
      templateId: p.templateId,
      createdAt: now,
      updatedAt: now,
    },
  }));
  if (rows.length === 0) return [];
  const inserted = new Set(
    (
      await tx
        .insert(schedules)
        .values(rows.map((r) => r.row))
        .onConflictDoNothing()
        .returning({ id: schedules.id })
    ).map((r) => r.id),
  );
  const reserved = (await tx.select().from(releaseRules)).filter((r) => r.reservedPercent > 0);
  const segRows: (typeof scheduleSegments.$inferInsert)[] = [];
  const slotRows: (typeof slots.$inferInsert)[] = [];
  for (const { p, row } of rows) {
    if (!inserted.has(row.id)) continue;
    let number = 0;
    const step = p.segmentMinutes * 60_000;
    for (let t = row.startAt.getTime(), seq = 1; t < row.endAt.getTime(); t += step, seq++) {
      const segId = newId();
      segRows.push({
        id: segId,
        scheduleId: row.id,
        seq,
        startAt: new Date(t),
        endAt: new Date(Math.min(t + step, row.endAt.getTime())),
        state: 'open',
      });
      // Reserved buckets take the last numbers of each segment; the rest is shared by every channel.
      const buckets: SlotBucket[] = [];
      for (const r of reserved) {
        const n = Math.floor((p.slotsPerSegment * r.reservedPercent) / 100);
        for (let i = 0; i < n; i++) buckets.push(r.channel);
      }
      while (buckets.length < p.slotsPerSegment) buckets.unshift('shared');
      for (const channel of buckets.slice(0, p.slotsPerSegment)) {
        slotRows.push({
          id: newId(),
          scheduleId: row.id,
          segmentId: segId,
          number: ++number,
          channel,
          state: 'available',
          updatedAt: now,
        });
      }
    }
  }
  for (let i = 0; i < segRows.length; i += 1000)
    await tx.insert(scheduleSegments).values(segRows.slice(i, i + 1000));
  for (let i = 0; i < slotRows.length; i += 1000) await tx.insert(slots).values(slotRows.slice(i, i + 1000));
  return rows.filter((r) => inserted.has(r.row.id)).map((r) => r.row.id);
}

function isoWeekday(date: string): number {
  const d = dayjs(date).day();
  return d === 0 ? 7 : d;
}
