import { eq, or, type AnyColumn } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import {
  blindIndexOf,
  findAccountPatientsByPerson,
  getPatientForRecords,
  type PatientRecord,
} from './service.js';

// Whose HIS record is this: the patient ↔ record matching that billing, pharmacy and others use
// for the HIS's bills, visits and prescriptions.

/** An HIS record (a bill or a visit) names its person by the ID number's blind index or the visit card. */
export type PersonRef = { patientIdx: string | null; visitCardNo: string | null };

/**
 * The rows of one person in a table of HIS records (bills, visits): by the ID number's blind
 * index, or by the bound visit card.
 */
export function personFilter(
  ctx: AppContext,
  p: PatientRecord,
  cols: { patientIdx: AnyColumn; visitCardNo: AnyColumn },
) {
  const idx = eq(cols.patientIdx, blindIndexOf(ctx, p.idNumber));
  return p.visitCardNo ? or(idx, eq(cols.visitCardNo, p.visitCardNo)) : idx;
}

/** Whether an HIS record belongs to this (verified) patient. */
export function belongsTo(ctx: AppContext, r: PersonRef, p: PatientRecord) {
  return (
    p.verified &&
    (r.patientIdx === blindIndexOf(ctx, p.idNumber) || (!!p.visitCardNo && r.visitCardNo === p.visitCardNo))
  );
}

/**
 * Which of my patients (with consent) an HIS record belongs to; anything else is `notFound` (the
 * same 404 as a record that does not exist).
 */
export async function ownerOfRecord(
  ctx: AppContext,
  accountId: string,
  r: PersonRef,
  notFound: () => Error,
): Promise<PatientRecord> {
  const candidates = await findAccountPatientsByPerson(ctx, accountId, {
    idNumberIdx: r.patientIdx,
    visitCardNo: r.visitCardNo,
  });
  for (const id of candidates) {
    const p = await getPatientForRecords(ctx, accountId, id).catch(() => undefined);
    if (p && belongsTo(ctx, r, p)) return p;
  }
  throw notFound();
}
