// Exams: capacity — one conditional statement takes or gives back a place.

import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { type DomainError, conflict } from '../../platform/errors.js';

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/**
 * Takes one place of a package on a date. The WHERE clause is the whole rule (open, not full): two
 * parallel takers of the last place queue on the row, and the second re-reads `taken` and fails.
 */
export async function takeCapacity(tx: Tx, packageId: string, examDate: string, now: Date): Promise<boolean> {
  const r = await tx.execute(sql`
    UPDATE exam_capacity SET taken = taken + 1, updated_at = ${now}
     WHERE package_id = ${packageId} AND exam_date = ${examDate} AND NOT closed AND taken < capacity
    RETURNING taken`);
  return rowsOf(r).length === 1;
}

/** Gives a place back (a booking that held it expired, was cancelled or moved). */
export async function freeCapacity(tx: Tx, packageId: string, examDate: string, now: Date): Promise<void> {
  await tx.execute(sql`
    UPDATE exam_capacity SET taken = taken - 1, updated_at = ${now}
     WHERE package_id = ${packageId} AND exam_date = ${examDate} AND taken > 0`);
}

/** The refusal that explains why no place could be taken. */
export async function capacityRefusal(tx: Tx, packageId: string, examDate: string): Promise<DomainError> {
  const r = rowsOf(
    await tx.execute(
      sql`SELECT closed, capacity, taken FROM exam_capacity WHERE package_id = ${packageId} AND exam_date = ${examDate}`,
    ),
  )[0];
  if (!r)
    return conflict('EXAM_DATE_NOT_OPEN', '该日期未开放体检预约', 'This date is not open for booking', {
      examDate,
    });
  if (r.closed)
    return conflict('EXAM_DATE_CLOSED', '该日期已停止体检预约', 'Booking is closed for this date', {
      examDate,
    });
  return conflict('EXAM_DATE_FULL', '该日期体检名额已约满，请选择其他日期', 'This date is fully booked', {
    examDate,
  });
}
