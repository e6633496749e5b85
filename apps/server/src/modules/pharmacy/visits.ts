import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { PatientRecord } from '../identity/index.js';
import { personFilter } from '../identity/index.js';
import { prescriptions, type PrescriptionItem } from './schema.js';

/**
 * What other modules may read about a patient's insurance e-prescriptions (GUIDE-09): those of one
 * outpatient visit, and the drugs actually dispensed (medication records). The caller has already
 * established that `p` is the account's own or consenting family patient.
 */

const personCols = { patientIdx: prescriptions.personIdx, visitCardNo: prescriptions.visitCardNo };

/** The e-prescriptions issued at one visit (by the HIS visit number), oldest first. */
export async function prescriptionsOfVisit(ctx: AppContext, p: PatientRecord, visitNo: string) {
  if (!p.verified) return [];
  const rows = await ctx.db
    .select()
    .from(prescriptions)
    .where(and(personFilter(ctx, p, personCols), eq(prescriptions.visitNo, visitNo)))
    .orderBy(prescriptions.issuedAt, prescriptions.id);
  return rows.map((r) => ({
    id: r.id,
    hisRxNo: r.hisRxNo,
    state: r.state,
    issuedAt: r.issuedAt.toISOString(),
    departmentName: r.departmentName,
    doctorName: r.doctorName,
    itemCount: r.itemCount,
    totalFen: r.totalFen,
    drugs: r.items.map((i) => i.name),
  }));
}

/** How many e-prescriptions each of these visits has: visit number → count. */
export async function prescriptionCountsByVisit(ctx: AppContext, p: PatientRecord, visitNos: string[]) {
  const counts = new Map<string, number>();
  if (!p.verified || !visitNos.length) return counts;
  const rows = await ctx.db
    .select({ visitNo: prescriptions.visitNo })
    .from(prescriptions)
    .where(and(personFilter(ctx, p, personCols), inArray(prescriptions.visitNo, visitNos)));
  for (const r of rows) if (r.visitNo) counts.set(r.visitNo, (counts.get(r.visitNo) ?? 0) + 1);
  return counts;
}

function usageOf(i: PrescriptionItem): string | null {
  const parts = [i.dose, i.frequency, i.route, i.days ? `${i.days}天` : null].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

/**
 * 用药记录 from e-prescriptions: each drug of a dispensed prescription, with the pharmacy that
 * dispensed it (a retail pharmacy, or the hospital's), newest first: the first `lines` drugs, and
 * how many there are in all.
 */
export async function dispensedPrescriptionDrugs(ctx: AppContext, p: PatientRecord, lines = 200) {
  if (!p.verified) return { items: [], total: 0 };
  const dispensed = and(
    personFilter(ctx, p, personCols),
    eq(prescriptions.state, 'dispensed'),
    sql`jsonb_array_length(${prescriptions.items}) > 0`,
  );
  // every prescription read has at least one drug: `lines` prescriptions hold at least `lines` drugs
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select()
      .from(prescriptions)
      .where(dispensed)
      .orderBy(
        desc(sql`coalesce(${prescriptions.dispensedAt}, ${prescriptions.issuedAt})`),
        desc(prescriptions.id),
      )
      .limit(lines),
    ctx.db
      .select({ n: sql<number>`coalesce(sum(jsonb_array_length(${prescriptions.items})), 0)::int` })
      .from(prescriptions)
      .where(dispensed),
  ]);
  const items = rows.flatMap((r) =>
    r.items.map((i) => ({
      source: r.fillWhere === 'retail' ? ('retail_pharmacy' as const) : ('hospital_pharmacy' as const),
      name: i.name,
      spec: i.spec,
      unit: i.unit,
      quantity: i.quantity,
      usage: usageOf(i),
      date: (r.dispensedAt ?? r.issuedAt).toISOString(),
      dispensed: true,
      visitNo: r.visitNo,
      pharmacyName: r.dispensedPharmacyName ?? r.pharmacyName,
      prescriptionId: r.id,
      billId: null as string | null,
    })),
  );
  return { items: items.slice(0, lines), total: Number(count?.n ?? 0) };
}
