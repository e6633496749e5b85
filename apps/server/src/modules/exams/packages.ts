// Exams: packages (EXAM-03), public — listing, dates, suitability.

import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { dayjs } from '../../platform/clock.js';
import { conflict } from '../../platform/errors.js';
import type { PatientRecord } from '../identity/index.js';
import {
  examCapacity,
  examPackageItems,
  examPackages,
  type PackageGender,
  type PackageState,
} from './schema.js';
import { type ExamPackage, type ExamPackageItem, packageNotFound } from './shared.js';

export interface PackageItemInput {
  name: string;
  category: string;
  meaning?: string | null;
  notes?: string | null;
}

export interface PackageInput {
  code: string;
  name: string;
  description?: string;
  priceFen: number;
  gender?: PackageGender;
  minAge?: number | null;
  maxAge?: number | null;
  notes?: string | null;
  state?: PackageState;
  sort?: number;
  items: PackageItemInput[];
}

export function packageView(p: ExamPackage, items: ExamPackageItem[]) {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    description: p.description,
    priceFen: p.priceFen,
    gender: p.gender,
    minAge: p.minAge,
    maxAge: p.maxAge,
    notes: p.notes,
    state: p.state,
    itemCount: items.length,
    categories: [...new Set(items.map((i) => i.category))],
    items: items.map((i) => ({ name: i.name, category: i.category, meaning: i.meaning, notes: i.notes })),
  };
}

export async function itemsOf(db: Db, packageIds: string[]): Promise<Map<string, ExamPackageItem[]>> {
  const out = new Map<string, ExamPackageItem[]>(packageIds.map((id) => [id, []]));
  if (packageIds.length === 0) return out;
  const rows = await db
    .select()
    .from(examPackageItems)
    .where(inArray(examPackageItems.packageId, packageIds))
    .orderBy(asc(examPackageItems.packageId), asc(examPackageItems.seq));
  for (const r of rows) out.get(r.packageId)!.push(r);
  return out;
}

/** Active packages, optionally only those that suit a gender and an age. */
export async function listPackages(ctx: AppContext, filter: { gender?: 'male' | 'female'; age?: number }) {
  const conds: SQL[] = [eq(examPackages.state, 'active')];
  if (filter.gender) conds.push(inArray(examPackages.gender, ['any', filter.gender]));
  if (filter.age !== undefined)
    conds.push(
      sql`(${examPackages.minAge} IS NULL OR ${examPackages.minAge} <= ${filter.age})`,
      sql`(${examPackages.maxAge} IS NULL OR ${examPackages.maxAge} >= ${filter.age})`,
    );
  const rows = await ctx.db
    .select()
    .from(examPackages)
    .where(and(...conds))
    .orderBy(asc(examPackages.sort), asc(examPackages.priceFen), asc(examPackages.code));
  const items = await itemsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => packageView(r, items.get(r.id)!)) };
}

export async function packageRow(db: Db, id: string): Promise<ExamPackage> {
  const [p] = await db.select().from(examPackages).where(eq(examPackages.id, id));
  if (!p) throw packageNotFound();
  return p;
}

export async function activePackage(db: Db, id: string): Promise<ExamPackage> {
  const p = await packageRow(db, id);
  if (p.state !== 'active') throw packageNotFound();
  return p;
}

export async function getPackage(ctx: AppContext, id: string) {
  const p = await activePackage(ctx.db, id);
  return packageView(p, (await itemsOf(ctx.db, [p.id])).get(p.id)!);
}

/** The first and last date a booking may be made for today (hospital days). */
export function bookingWindow(ctx: AppContext): { earliest: string; latest: string; today: string } {
  const today = ctx.clock.today();
  return {
    today,
    earliest: dayjs(today).add(ctx.config.EXAM_BOOKING_MIN_DAYS_AHEAD, 'day').format('YYYY-MM-DD'),
    latest: dayjs(today).add(ctx.config.EXAM_BOOKING_MAX_DAYS_AHEAD, 'day').format('YYYY-MM-DD'),
  };
}

/** The dates of a package open in the booking window, with what is left on each. */
export async function packageDates(ctx: AppContext, id: string) {
  const p = await activePackage(ctx.db, id);
  const w = bookingWindow(ctx);
  const rows = await ctx.db
    .select()
    .from(examCapacity)
    .where(
      and(
        eq(examCapacity.packageId, p.id),
        gte(examCapacity.examDate, w.earliest),
        lte(examCapacity.examDate, w.latest),
      ),
    )
    .orderBy(asc(examCapacity.examDate));
  return {
    packageId: p.id,
    earliest: w.earliest,
    latest: w.latest,
    items: rows.map((r) => ({
      date: r.examDate,
      capacity: r.capacity,
      remaining: r.closed ? 0 : r.capacity - r.taken,
      closed: r.closed,
      bookable: !r.closed && r.taken < r.capacity,
    })),
  };
}

/** Why a package does not suit a person on a date (gender, age on the exam day), or null. */
export function unsuitability(
  p: Pick<ExamPackage, 'gender' | 'minAge' | 'maxAge'>,
  person: Pick<PatientRecord, 'gender' | 'birthDate'>,
  examDate: string,
): { reason: 'gender' | 'age'; age: number } | null {
  const age = dayjs(examDate).diff(dayjs(person.birthDate), 'year');
  if (p.gender !== 'any' && p.gender !== person.gender) return { reason: 'gender', age };
  if ((p.minAge !== null && age < p.minAge) || (p.maxAge !== null && age > p.maxAge))
    return { reason: 'age', age };
  return null;
}

export function assertSuitable(p: ExamPackage, person: PatientRecord, examDate: string): void {
  const u = unsuitability(p, person, examDate);
  if (!u) return;
  throw conflict(
    'EXAM_PACKAGE_NOT_SUITABLE',
    u.reason === 'gender' ? '该套餐不适用于此就诊人的性别' : '该套餐不适用于此就诊人的年龄',
    u.reason === 'gender'
      ? "This package does not suit the patient's gender"
      : "This package does not suit the patient's age",
    { reason: u.reason, gender: p.gender, minAge: p.minAge, maxAge: p.maxAge, age: u.age },
  );
}

export function assertBookableDate(ctx: AppContext, examDate: string): void {
  const w = bookingWindow(ctx);
  if (examDate < w.earliest || examDate > w.latest)
    throw conflict(
      'EXAM_DATE_OUT_OF_RANGE',
      `只能预约 ${w.earliest} 至 ${w.latest} 之间的体检日期`,
      `Exam dates from ${w.earliest} to ${w.latest} can be booked`,
      { earliest: w.earliest, latest: w.latest },
    );
}
