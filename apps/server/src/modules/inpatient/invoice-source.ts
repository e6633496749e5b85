import { eq, inArray, sql } from 'drizzle-orm';
import {
  cursorOf,
  parseCursor,
  rowsOf,
  type InvoiceSource,
  type InvoiceSourceItem,
} from '../../integrations/einvoice/index.js';
import { getPatientById } from '../identity/index.js';
import { inpatientAdmissions, inpatientCharges } from './schema.js';

const settlementPart = (admissionId: string, generation: number) =>
  generation ? `${admissionId}:s${generation}` : admissionId;

function parseSettlementPart(part: string): { admissionId: string; generation: number } {
  const m = /^(.*):s(\d+)$/.exec(part);
  return m ? { admissionId: m[1], generation: Number(m[2]) } : { admissionId: part, generation: 0 };
}

/**
 * Inpatient stays (INP-07): once the discharge settlement is done (remainder paid, surplus deposit
 * refunded, or balanced) the stay's charges are invoiced in one 住院 invoice, a line per fee
 * category; a difference between the HIS's final total and the daily charges is its own line.
 * The invoice covers the settled stay, not the deposits: a surplus refund keeps it (the settled total
 * did not change), while a reversal of the settlement by the HIS (撤销出院结算) takes the settlement
 * away, so its invoice is red-lettered and the next settlement gets a new one. Each settlement is its
 * own part (`<admission id>` for the first, `<admission id>:s<n>` after n reversals). Registered with
 * the invoicing module's invoice-source port as source type `inpatient`.
 */
export const inpatientInvoiceSource: InvoiceSource = {
  category: 'inpatient',
  reversalReason: '撤销出院结算 / discharge settlement reversed',

  async snapshot(ctx, admissionId) {
    const [adm] = await ctx.db
      .select()
      .from(inpatientAdmissions)
      .where(eq(inpatientAdmissions.id, admissionId));
    if (!adm || adm.state !== 'discharged' || !adm.resolvedPatientId) return undefined;
    if (!['settled', 'refunded'].includes(adm.settlementState)) return undefined;
    const patient = await getPatientById(ctx, adm.resolvedPatientId).catch(() => undefined);
    if (!patient) return undefined;
    const part = settlementPart(adm.id, adm.settlementGeneration);
    const lines = await ctx.db
      .select({
        name: sql<string>`coalesce(${inpatientCharges.category}, ${inpatientCharges.itemName})`,
        amountFen: sql<number>`sum(${inpatientCharges.amountFen})::int`,
      })
      .from(inpatientCharges)
      .where(eq(inpatientCharges.admissionId, adm.id))
      .groupBy(sql`coalesce(${inpatientCharges.category}, ${inpatientCharges.itemName})`)
      .orderBy(sql`coalesce(${inpatientCharges.category}, ${inpatientCharges.itemName})`);
    const items: InvoiceSourceItem[] = lines
      .filter((l) => Number(l.amountFen) !== 0)
      .map((l) => ({
        part,
        name: l.name,
        unit: '项',
        quantity: 1,
        unitPriceFen: Number(l.amountFen),
        amountFen: Number(l.amountFen),
      }));
    const charged = items.reduce((sum, i) => sum + i.amountFen, 0);
    const total = adm.totalCostFen ?? charged;
    if (total !== charged)
      items.push({
        part,
        name: '出院结算调整',
        unit: '项',
        quantity: 1,
        unitPriceFen: total - charged,
        amountFen: total - charged,
      });
    if (total <= 0) return undefined;
    return {
      category: 'inpatient',
      title: `住院费用：${adm.ward} 住院号 ${adm.admissionNo}`.slice(0, 200),
      accountId: patient.accountId,
      patientId: patient.id,
      orderId: null,
      orderNo: null,
      paidAt: adm.dischargedAt ?? ctx.clock.now(),
      items,
      version: adm.settlementGeneration ? `s${adm.settlementGeneration}` : undefined,
    };
  },

  /** a settlement is gone once the HIS reversed it (the stay has moved on to a later generation) */
  async refundedParts(ctx, parts) {
    if (!parts.length) return [];
    const parsed = parts.map((p) => ({ p, ...parseSettlementPart(p) }));
    const rows = await ctx.db
      .select({ id: inpatientAdmissions.id, generation: inpatientAdmissions.settlementGeneration })
      .from(inpatientAdmissions)
      .where(inArray(inpatientAdmissions.id, [...new Set(parsed.map((x) => x.admissionId))]));
    const current = new Map(rows.map((r) => [r.id, r.generation]));
    return parsed.filter((x) => (current.get(x.admissionId) ?? 0) > x.generation).map((x) => x.p);
  },

  async printedParts() {
    return [];
  },

  async markPrinted() {
    // The HIS prints inpatient invoices at the discharge window; the e-invoice records the print.
  },

  /** a settled stay needs a blue invoice covering its current settlement */
  async candidates(ctx, since, cursor, limit) {
    const c = parseCursor(cursor);
    const r = await ctx.db.execute<{ id: string; generation: number; at: string }>(sql`
      SELECT a.id, a.settlement_generation AS generation, a.updated_at::text AS at FROM inpatient_admissions a
       WHERE a.state = 'discharged' AND a.settlement_state IN ('settled', 'refunded')
         AND a.resolved_patient_id IS NOT NULL AND a.updated_at >= ${since}
         ${c ? sql`AND (a.updated_at, a.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
       ORDER BY a.updated_at, a.id LIMIT ${limit}`);
    const rows = rowsOf<{ id: string; generation: number; at: string }>(r);
    const last = rows.at(-1);
    return {
      items: rows.map((x) => ({ sourceId: x.id, part: settlementPart(x.id, Number(x.generation)) })),
      next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
    };
  },

  /** a reversed settlement takes every earlier settlement's part away */
  async reversals(ctx, since, cursor, limit) {
    const c = parseCursor(cursor);
    const r = await ctx.db.execute<{ id: string; generation: number; at: string }>(sql`
      SELECT a.id, a.settlement_generation AS generation, a.settlement_reversed_at::text AS at
        FROM inpatient_admissions a
       WHERE a.settlement_reversed_at >= ${since}
         ${c ? sql`AND (a.settlement_reversed_at, a.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
       ORDER BY a.settlement_reversed_at, a.id LIMIT ${limit}`);
    const rows = rowsOf<{ id: string; generation: number; at: string }>(r);
    const last = rows.at(-1);
    return {
      items: rows.map((x) => ({
        sourceId: x.id,
        parts: Array.from({ length: Number(x.generation) }, (_, g) => settlementPart(x.id, g)),
      })),
      next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
    };
  },
};
