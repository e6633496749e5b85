import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import { getPatientForAccount } from '../identity/service.js';
import { dispensedPrescriptionDrugs } from '../pharmacy/visits.js';
import { personFilter } from './service.js';
import { billItems, bills, hisVisits } from './schema.js';

/**
 * GUIDE-09 用药记录: the drugs a patient was given — the lines of paid prescription bills (hospital
 * pharmacy; dispensed or still to collect) and the drugs of dispensed insurance e-prescriptions
 * (pharmacy module; a retail or the hospital pharmacy) — newest first. Another account's patient,
 * or family without consent, is answered like a patient that does not exist.
 */
export async function listMedications(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForAccount(ctx, accountId, patientId, { requireConsent: true });
  if (!p.verified) return [];
  const paid = await ctx.db
    .select({ bill: bills, visitNo: hisVisits.visitNo })
    .from(bills)
    .innerJoin(hisVisits, eq(hisVisits.id, bills.visitId))
    .where(
      and(personFilter(ctx, p), eq(bills.kind, 'prescription'), inArray(bills.state, ['paid', 'confirmed'])),
    )
    .orderBy(desc(bills.paidAt), desc(bills.billNo))
    .limit(200);
  const lines = paid.length
    ? await ctx.db
        .select()
        .from(billItems)
        .where(
          inArray(
            billItems.billId,
            paid.map((r) => r.bill.id),
          ),
        )
        .orderBy(billItems.seq)
    : [];
  const fromBills = paid.flatMap(({ bill: b, visitNo }) =>
    lines
      .filter((l) => l.billId === b.id)
      .map((l) => ({
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
      })),
  );
  const fromRx = await dispensedPrescriptionDrugs(ctx, p);
  return [...fromBills, ...fromRx].sort((a, b) => b.date.localeCompare(a.date));
}

export async function registerMedicationRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/patients/:patientId/medications',
    {
      schema: {
        tags: ['billing'],
        summary: '用药记录：已缴费的处方药品（院内药房）与已取药的医保电子处方（零售/院内药房），新的在前',
        params: z.object({ patientId: z.string().min(1).max(64) }),
      },
      preHandler: requirePatient(ctx),
    },
    async (req) => ({ items: await listMedications(ctx, principalOf(req).id, req.params.patientId) }),
  );
}
