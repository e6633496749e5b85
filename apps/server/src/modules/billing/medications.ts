import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import { paging } from '../../platform/zod.js';
import { getPatientForRecords } from '../identity/index.js';
import { dispensedPrescriptionDrugs } from '../pharmacy/index.js';
import { personFilter } from './service.js';
import { billItems, bills, hisVisits } from './schema.js';
import { PatientsMedicationsListResponse } from '@qingnang/contracts';

/**
 * GUIDE-09 用药记录: the drugs a patient was given — the lines of paid prescription bills (hospital
 * pharmacy; dispensed or still to collect) and the drugs of dispensed insurance e-prescriptions
 * (pharmacy module; a retail or the hospital pharmacy) — newest first, one page of drug lines.
 * Another account's patient, or family without consent, is answered like a patient that does not
 * exist.
 *
 * Paging across the two sources: each source gives its first page*pageSize lines in the merged
 * order (date newest first, then a stable key), the two are merged and the page cut out; any line of
 * the page is among the first page*pageSize lines of its own source, so nothing is skipped or shown
 * twice. The total is the two sources' line counts.
 */
export async function listMedications(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  q: { page: number; pageSize: number } = { page: 1, pageSize: 20 },
) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const { page, pageSize } = q;
  if (!p.verified) return { items: [], total: 0, page, pageSize };
  const upTo = page * pageSize;
  const billDate = sql<Date>`coalesce(${bills.executedAt}, ${bills.paidAt}, ${bills.billedAt})`;
  const paidPrescriptionBill = and(
    personFilter(ctx, p),
    eq(bills.kind, 'prescription'),
    inArray(bills.state, ['paid', 'confirmed']),
  );
  const [lines, [billCount], rx] = await Promise.all([
    ctx.db
      .select({ line: billItems, bill: bills, visitNo: hisVisits.visitNo })
      .from(billItems)
      .innerJoin(bills, eq(bills.id, billItems.billId))
      .innerJoin(hisVisits, eq(hisVisits.id, bills.visitId))
      .where(paidPrescriptionBill)
      .orderBy(desc(billDate), desc(bills.billNo), desc(bills.id), billItems.seq, billItems.id)
      .limit(upTo),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(billItems)
      .innerJoin(bills, eq(bills.id, billItems.billId))
      .innerJoin(hisVisits, eq(hisVisits.id, bills.visitId))
      .where(paidPrescriptionBill),
    dispensedPrescriptionDrugs(ctx, p, upTo),
  ]);
  const fromBills = lines.map(({ line: l, bill: b, visitNo }) => ({
    source: 'hospital_pharmacy' as const,
    name: l.name,
    spec: l.spec,
    unit: l.unit,
    quantity: l.quantity,
    usage: null as string | null,
    date: (b.executedAt ?? b.paidAt ?? b.billedAt).toISOString(),
    dispensed: b.executionStatus === 'dispensed',
    visitNo: visitNo as string | null,
    pharmacyName: b.execDepartment,
    prescriptionId: null as string | null,
    billId: b.id as string | null,
  }));
  // a stable sort: equal dates keep each source's own order, bill lines before e-prescriptions
  const merged = [...fromBills, ...rx.items].sort((a, b) => b.date.localeCompare(a.date));
  return {
    items: merged.slice((page - 1) * pageSize, upTo),
    total: Number(billCount?.n ?? 0) + rx.total,
    page,
    pageSize,
  };
}

export async function registerMedicationRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/patients/:patientId/medications',
    {
      schema: {
        tags: ['billing'],
        summary:
          '用药记录：已缴费的处方药品（院内药房）与已取药的医保电子处方（零售/院内药房），新的在前，分页',
        params: z.object({ patientId: z.string().min(1).max(64) }),
        querystring: z.object({ ...paging(50) }),
        response: { 200: PatientsMedicationsListResponse },
      },
      preHandler: requirePatient(ctx),
    },
    async (req) => listMedications(ctx, principalOf(req).id, req.params.patientId, req.query),
  );
}
