// Exams: console (operators, permission exams.manage) — packages, capacity, bookings.

import { and, asc, count, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { audit } from '../../platform/audit.js';
import { dayjs } from '../../platform/clock.js';
import { badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { maskName } from '../../platform/pii.js';
import { getPatientById } from '../identity/index.js';
import { examBookings, examCapacity, examPackageItems, examPackages, type BookingState } from './schema.js';
import { itemsOf, type PackageInput, type PackageItemInput, packageRow, packageView } from './packages.js';
import { cancelBooking } from './changes.js';
import { bookingSummary, loadBooking } from './queries.js';

export async function adminListPackages(ctx: AppContext) {
  const rows = await ctx.db
    .select()
    .from(examPackages)
    .orderBy(asc(examPackages.sort), asc(examPackages.code));
  const items = await itemsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      ...packageView(r, items.get(r.id)!),
      sort: r.sort,
      updatedAt: r.updatedAt.toISOString(),
    })),
  };
}

export async function adminGetPackage(ctx: AppContext, id: string) {
  const p = await packageRow(ctx.db, id);
  return {
    ...packageView(p, (await itemsOf(ctx.db, [p.id])).get(p.id)!),
    sort: p.sort,
    updatedAt: p.updatedAt.toISOString(),
  };
}

function assertAgeRange(input: { minAge?: number | null; maxAge?: number | null }) {
  if (input.minAge != null && input.maxAge != null && input.minAge > input.maxAge)
    throw badRequest('EXAM_AGE_RANGE_INVALID', '最小年龄不能大于最大年龄', 'minAge must not exceed maxAge');
}

async function writeItems(tx: Db, packageId: string, items: PackageItemInput[]) {
  await tx.delete(examPackageItems).where(eq(examPackageItems.packageId, packageId));
  if (items.length > 0)
    await tx.insert(examPackageItems).values(
      items.map((i, seq) => ({
        id: newId(),
        packageId,
        seq,
        name: i.name,
        category: i.category,
        meaning: i.meaning ?? null,
        notes: i.notes ?? null,
      })),
    );
}

export async function createPackage(ctx: AppContext, req: FastifyRequest | undefined, input: PackageInput) {
  assertAgeRange(input);
  const now = ctx.clock.now();
  const id = newId();
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(examPackages).values({
        id,
        code: input.code,
        name: input.name,
        description: input.description ?? '',
        priceFen: input.priceFen,
        gender: input.gender ?? 'any',
        minAge: input.minAge ?? null,
        maxAge: input.maxAge ?? null,
        notes: input.notes ?? null,
        state: input.state ?? 'active',
        sort: input.sort ?? 0,
        createdAt: now,
        updatedAt: now,
      });
      await writeItems(tx as unknown as Db, id, input.items);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('EXAM_PACKAGE_CODE_EXISTS', '套餐编码已存在', 'A package with this code exists', {
        code: input.code,
      });
    throw err;
  }
  await audit(ctx, req, { action: 'exam.package.create', objectType: 'exam_package', objectId: id });
  return adminGetPackage(ctx, id);
}

/** Replaces a package's fields and items; bookings keep the name and price they were made with. */
export async function updatePackage(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  id: string,
  input: Omit<PackageInput, 'code'>,
) {
  assertAgeRange(input);
  await packageRow(ctx.db, id);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(examPackages)
      .set({
        name: input.name,
        description: input.description ?? '',
        priceFen: input.priceFen,
        gender: input.gender ?? 'any',
        minAge: input.minAge ?? null,
        maxAge: input.maxAge ?? null,
        notes: input.notes ?? null,
        state: input.state ?? 'active',
        sort: input.sort ?? 0,
        updatedAt: now,
      })
      .where(eq(examPackages.id, id));
    await writeItems(tx as unknown as Db, id, input.items);
  });
  await audit(ctx, req, { action: 'exam.package.update', objectType: 'exam_package', objectId: id });
  return adminGetPackage(ctx, id);
}

export async function listCapacity(ctx: AppContext, id: string, from: string, to: string) {
  await packageRow(ctx.db, id);
  const rows = await ctx.db
    .select()
    .from(examCapacity)
    .where(
      and(eq(examCapacity.packageId, id), gte(examCapacity.examDate, from), lte(examCapacity.examDate, to)),
    )
    .orderBy(asc(examCapacity.examDate));
  return {
    packageId: id,
    items: rows.map((r) => ({
      date: r.examDate,
      capacity: r.capacity,
      taken: r.taken,
      remaining: r.capacity - r.taken,
      closed: r.closed,
    })),
  };
}

export interface CapacityInput {
  from: string;
  to: string;
  /** ISO weekdays 1 (Monday) … 7 (Sunday); all days when absent */
  weekdays?: number[];
  capacity?: number;
  closed?: boolean;
}

/**
 * Sets the daily capacity (and/or closes or reopens) of a package for each date of a range, all or
 * nothing: a capacity below the places already taken on some date refuses the whole change.
 * Closing a date stops new bookings and moves onto it; bookings already made stay.
 */
export async function setCapacity(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  id: string,
  input: CapacityInput,
) {
  await packageRow(ctx.db, id);
  if (input.capacity === undefined && input.closed === undefined)
    throw badRequest('CAPACITY_CHANGE_EMPTY', '请指定名额或开关状态', 'Give capacity and/or closed');
  if (input.to < input.from)
    throw badRequest('DATE_RANGE_INVALID', '结束日期不能早于开始日期', 'to must not be before from');
  const dates: string[] = [];
  for (let d = dayjs(input.from); d.format('YYYY-MM-DD') <= input.to; d = d.add(1, 'day')) {
    const iso = d.day() === 0 ? 7 : d.day();
    if (!input.weekdays || input.weekdays.includes(iso)) dates.push(d.format('YYYY-MM-DD'));
  }
  if (dates.length > 366)
    throw badRequest('DATE_RANGE_TOO_LONG', '一次最多设置 366 天', 'At most 366 days at once');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const below: string[] = [];
    for (const date of dates) {
      const set: Partial<typeof examCapacity.$inferInsert> = { updatedAt: now };
      if (input.capacity !== undefined) set.capacity = input.capacity;
      if (input.closed !== undefined) set.closed = input.closed;
      const [row] = await tx
        .insert(examCapacity)
        .values({
          packageId: id,
          examDate: date,
          capacity: input.capacity ?? 0,
          taken: 0,
          closed: input.closed ?? false,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [examCapacity.packageId, examCapacity.examDate],
          set,
          // never below what is already taken (the row lock serialises this with bookings)
          setWhere:
            input.capacity !== undefined ? sql`${examCapacity.taken} <= ${input.capacity}` : undefined,
        })
        .returning();
      if (!row) below.push(date);
    }
    if (below.length > 0)
      throw conflict(
        'EXAM_CAPACITY_BELOW_TAKEN',
        '部分日期已预约人数超过新名额，未做任何修改',
        'Some dates already have more bookings than the new capacity; nothing was changed',
        { dates: below },
      );
  });
  await audit(ctx, req, {
    action: 'exam.capacity.set',
    objectType: 'exam_package',
    objectId: id,
    detail: {
      from: input.from,
      to: input.to,
      capacity: input.capacity ?? null,
      closed: input.closed ?? null,
      days: dates.length,
    },
  });
  return listCapacity(ctx, id, input.from, input.to);
}

/**
 * The exam centre cancels a booking on the patient's behalf (a closed day, a phone request), whatever
 * the online window; a paid booking is refunded in full like a patient's cancellation. Audited.
 */
export async function adminCancelBooking(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  staffId: string,
  bookingId: string,
  reason: string,
) {
  await loadBooking(ctx.db, bookingId);
  const b = await cancelBooking(ctx, { bookingId, by: `staff:${staffId}`, reason });
  await audit(ctx, req, {
    action: 'exam.booking.cancel',
    objectType: 'exam_booking',
    objectId: b.id,
    detail: { refundState: b.refundState },
  });
  const p = await getPatientById(ctx, b.patientId).catch(() => undefined);
  const { patientName, ...rest } = bookingSummary(ctx, b, p ? maskName(p.name) : '');
  return { ...rest, patientNameMasked: patientName };
}

export interface AdminBookingFilter {
  date?: string;
  packageId?: string;
  state?: BookingState;
  bookingNo?: string;
  page: number;
  pageSize: number;
}

/** Bookings for the exam centre's desk; patient names masked; the look-up is audited. */
export async function adminListBookings(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  f: AdminBookingFilter,
) {
  const where = and(
    f.date ? eq(examBookings.examDate, f.date) : undefined,
    f.packageId ? eq(examBookings.packageId, f.packageId) : undefined,
    f.state ? eq(examBookings.state, f.state) : undefined,
    f.bookingNo ? eq(examBookings.bookingNo, f.bookingNo) : undefined,
  );
  const [{ n }] = await ctx.db.select({ n: count() }).from(examBookings).where(where);
  const rows = await ctx.db
    .select()
    .from(examBookings)
    .where(where)
    .orderBy(desc(examBookings.examDate), desc(examBookings.createdAt))
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize);
  const items = [];
  for (const b of rows) {
    const p = await getPatientById(ctx, b.patientId).catch(() => undefined);
    const { patientName, ...rest } = bookingSummary(ctx, b, p ? maskName(p.name) : '');
    items.push({ ...rest, patientNameMasked: patientName });
  }
  await audit(ctx, req, {
    action: 'exam.booking.list',
    objectType: 'exam_booking',
    detail: {
      date: f.date ?? null,
      packageId: f.packageId ?? null,
      state: f.state ?? null,
      count: rows.length,
    },
  });
  return { total: Number(n), page: f.page, pageSize: f.pageSize, items };
}
