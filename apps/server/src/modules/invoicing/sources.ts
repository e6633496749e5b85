import { and, arrayOverlaps, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { EInvoiceCategory } from '../../integrations/einvoice/index.js';
import { billItems, billPayments, bills } from '../billing/index.js';
import { pushInvoiced } from '../billing/index.js';
import type { Channel } from '../gateway/index.js';
import { getPaymentOrder } from '../payments/index.js';
import { loadRegistration, namesFor } from '../registration/index.js';
import { registrations } from '../registration/index.js';
import { inpatientAdmissions, inpatientCharges } from '../inpatient/index.js';
import { insuranceSettlements } from '../insurance/index.js';
import { getPatientById } from '../identity/index.js';
import type { StoredItem } from './schema.js';
import type { InsuranceSplit } from '../../integrations/einvoice/index.js';
import { insuranceSplitOf } from '../insurance/index.js';

/** What a blue invoice of a source covers now: the parts still kept (a refunded bill drops out). */
export interface InvoiceSnapshot {
  category: EInvoiceCategory;
  title: string;
  accountId: string;
  patientId: string;
  orderId: string | null;
  orderNo: string | null;
  paidAt: Date;
  items: StoredItem[];
  /** paid partly by medical insurance: the split the medical invoice prints */
  insuranceSplit?: InsuranceSplit;
  /**
   * Which of a source's successive contents this is, when a source can be settled again after a
   * reversal (an inpatient stay): it keys the blue invoice, so each content is invoiced once.
   */
  version?: string;
}

/**
 * A kind of payment that gets e-invoices (outpatient bill payments; more may follow). The invoicing
 * module reads each source's state through its source, never writes it (printing goes through the
 * owner's service function).
 */
export interface InvoiceSource {
  category: EInvoiceCategory;
  /** the invoiceable content, or undefined while nothing is (not yet confirmed, or wholly refunded) */
  snapshot(ctx: AppContext, sourceId: string): Promise<InvoiceSnapshot | undefined>;
  /** which of these parts were refunded */
  refundedParts(ctx: AppContext, parts: string[]): Promise<string[]>;
  /** which of these parts had a paper invoice printed (at a window or a kiosk) */
  printedParts(ctx: AppContext, parts: string[]): Promise<string[]>;
  /** records with the owner that a paper copy of these parts was printed (it then refuses online refunds) */
  markPrinted(ctx: AppContext, parts: string[]): Promise<void>;
  /** settled since `since` and without any invoice yet (a request a crash lost) */
  unrequested(ctx: AppContext, since: Date, limit: number): Promise<string[]>;
  /** sources with a part refunded since `since` that still have a live blue invoice */
  refundedSince(ctx: AppContext, since: Date, limit: number): Promise<string[]>;
  /** why a red letter of this source is issued (printed on it); an online refund unless said */
  reversalReason?: string;
}

/**
 * Outpatient bill payments (PAY-10): invoiceable once the HIS confirmed the write-back; one part per
 * bill, so an online refund of one bill red-letters the invoice and a new one covers the rest.
 */
export const billSource: InvoiceSource = {
  category: 'outpatient',

  async snapshot(ctx, paymentId) {
    const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, paymentId));
    // Bills settled by medical insurance have no cash order (or one for the cash part only): they are
    // invoiced all the same, for their full amount.
    if (!p || p.state !== 'paid') return undefined;
    const rows = await ctx.db
      .select()
      .from(bills)
      .where(and(eq(bills.paymentId, p.id), inArray(bills.id, p.billIds)))
      .orderBy(asc(bills.billNo));
    // Still being written back: the invoice waits for the HIS's confirmation.
    if (rows.some((b) => b.state === 'paid')) return undefined;
    // Bills settled afterwards with insurance (二次结算) move to that settlement's consolidated invoice.
    const moved = new Set(
      await secondarySettledBills(
        ctx,
        rows.map((b) => b.id),
      ),
    );
    const kept = rows.filter((b) => b.state === 'confirmed' && !moved.has(b.id));
    if (!kept.length) return undefined;
    const items = await ctx.db
      .select()
      .from(billItems)
      .where(
        inArray(
          billItems.billId,
          kept.map((b) => b.id),
        ),
      )
      .orderBy(asc(billItems.seq));
    const order = p.orderId ? await getPaymentOrder(ctx, p.orderId) : undefined;
    const insuranceSplit = p.settlementNo ? await insuranceSplitOf(ctx, p.settlementNo) : undefined;
    return {
      insuranceSplit,
      category: 'outpatient',
      title: `门诊缴费：${kept.map((b) => b.title).join('、')}`.slice(0, 200),
      accountId: p.accountId,
      patientId: p.patientId,
      orderId: p.orderId ?? null,
      orderNo: order?.orderNo ?? null,
      paidAt: p.paidAt ?? order?.paidAt ?? ctx.clock.now(),
      items: kept.flatMap((b) =>
        items
          .filter((i) => i.billId === b.id)
          .map((i) => ({
            part: b.id,
            code: i.code,
            name: i.name,
            spec: i.spec,
            unit: i.unit,
            quantity: i.quantity,
            unitPriceFen: i.unitPriceFen,
            amountFen: i.amountFen,
          })),
      ),
    };
  },

  async refundedParts(ctx, parts) {
    if (!parts.length) return [];
    const rows = await ctx.db
      .select({ id: bills.id })
      .from(bills)
      .where(and(inArray(bills.id, parts), eq(bills.state, 'refunded')));
    // a bill moved to a secondary settlement's consolidated invoice leaves this one as a refund does
    return [...new Set([...rows.map((r) => r.id), ...(await secondarySettledBills(ctx, parts))])];
  },

  async printedParts(ctx, parts) {
    if (!parts.length) return [];
    const rows = await ctx.db
      .select({ id: bills.id })
      .from(bills)
      .where(and(inArray(bills.id, parts), eq(bills.invoiced, true)));
    return rows.map((r) => r.id);
  },

  async markPrinted(ctx, parts) {
    if (!parts.length) return;
    const rows = await ctx.db.select().from(bills).where(inArray(bills.id, parts));
    for (const b of rows) await pushInvoiced(ctx, { id: b.channelId } as Channel, b.billNo);
  },

  async unrequested(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT bp.id FROM bill_payments bp
       WHERE bp.state = 'paid' AND bp.paid_at >= ${since}
         AND EXISTS (SELECT 1 FROM bills b WHERE b.payment_id = bp.id AND b.state = 'confirmed')
         AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.payment_id = bp.id AND b.state = 'paid')
         AND NOT EXISTS (SELECT 1 FROM einvoices e WHERE e.source_type = 'bill' AND e.source_id = bp.id)
       ORDER BY bp.paid_at LIMIT ${limit}`);
    return rowsOf<{ id: string }>(r).map((x) => x.id);
  },

  async refundedSince(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT DISTINCT b.payment_id AS id FROM bills b
       WHERE b.state = 'refunded' AND b.refunded_at >= ${since}
         AND EXISTS (SELECT 1 FROM einvoices e
                      WHERE e.source_type = 'bill' AND e.source_id = b.payment_id AND e.kind = 'blue'
                        AND e.reversed_by IS NULL AND e.state IN ('pending', 'issued', 'failed')
                        AND b.id = ANY(e.source_parts))
       LIMIT ${limit}`);
    const moved = await ctx.db.execute<{ id: string }>(sql`
      SELECT DISTINCT e.source_id AS id FROM insurance_settlements s
        JOIN einvoices e ON e.source_type = 'bill' AND e.kind = 'blue' AND e.reversed_by IS NULL
                        AND e.state IN ('pending', 'issued', 'failed') AND e.source_parts && s.bill_ids
       WHERE s.kind = 'secondary' AND s.state = 'settled' AND s.settled_at >= ${since}
       LIMIT ${limit}`);
    return [...new Set([...rowsOf<{ id: string }>(r), ...rowsOf<{ id: string }>(moved)].map((x) => x.id))];
  },
};

/** Which of these bills a completed secondary insurance settlement (二次结算) covers. */
async function secondarySettledBills(ctx: AppContext, billIds: string[]): Promise<string[]> {
  if (!billIds.length) return [];
  const rows = await ctx.db
    .select({ billIds: insuranceSettlements.billIds })
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.kind, 'secondary'),
        eq(insuranceSettlements.state, 'settled'),
        arrayOverlaps(insuranceSettlements.billIds, billIds),
      ),
    );
  const wanted = new Set(billIds);
  return [...new Set(rows.flatMap((r) => r.billIds).filter((id) => wanted.has(id)))];
}

/**
 * INS-15: bills paid by phone and settled afterwards with insurance (二次结算) get one consolidated
 * medical invoice with the fund / personal account / cash split; their first invoices are
 * red-lettered by the bill source (the bills count as gone from them).
 */
export const secondarySettlementSource: InvoiceSource = {
  category: 'outpatient',

  async snapshot(ctx, settlementId) {
    const [s] = await ctx.db
      .select()
      .from(insuranceSettlements)
      .where(eq(insuranceSettlements.id, settlementId));
    if (!s || s.kind !== 'secondary' || s.state !== 'settled') return undefined;
    const rows = await ctx.db
      .select()
      .from(bills)
      .where(and(inArray(bills.id, s.billIds), eq(bills.state, 'confirmed')))
      .orderBy(asc(bills.billNo));
    if (!rows.length) return undefined;
    const items = await ctx.db
      .select()
      .from(billItems)
      .where(
        inArray(
          billItems.billId,
          rows.map((b) => b.id),
        ),
      )
      .orderBy(asc(billItems.seq));
    return {
      category: 'outpatient',
      title: `门诊医保二次结算：${rows.map((b) => b.title).join('、')}`.slice(0, 200),
      accountId: s.accountId,
      patientId: s.patientId,
      orderId: null,
      orderNo: s.settlementNo,
      paidAt: s.settledAt ?? ctx.clock.now(),
      insuranceSplit: { fundFen: s.fundFen, accountFen: s.accountFen, cashFen: s.cashFen },
      items: rows.flatMap((b) =>
        items
          .filter((i) => i.billId === b.id)
          .map((i) => ({
            part: b.id,
            code: i.code,
            name: i.name,
            spec: i.spec,
            unit: i.unit,
            quantity: i.quantity,
            unitPriceFen: i.unitPriceFen,
            amountFen: i.amountFen,
          })),
      ),
    };
  },

  refundedParts: (ctx, parts) =>
    billSource.refundedParts(ctx, parts).then(async (gone) => {
      // here only a real refund takes a bill away (being secondarily settled is what this invoice is)
      if (!gone.length) return gone;
      const rows = await ctx.db
        .select({ id: bills.id })
        .from(bills)
        .where(and(inArray(bills.id, gone), eq(bills.state, 'refunded')));
      return rows.map((r) => r.id);
    }),
  printedParts: (ctx, parts) => billSource.printedParts(ctx, parts),
  markPrinted: (ctx, parts) => billSource.markPrinted(ctx, parts),

  async unrequested(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT s.id FROM insurance_settlements s
       WHERE s.kind = 'secondary' AND s.state = 'settled' AND s.settled_at >= ${since}
         AND NOT EXISTS (SELECT 1 FROM einvoices e WHERE e.source_type = 'insurance_secondary' AND e.source_id = s.id)
       ORDER BY s.settled_at LIMIT ${limit}`);
    return rowsOf<{ id: string }>(r).map((x) => x.id);
  },

  async refundedSince(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT DISTINCT e.source_id AS id FROM einvoices e
        JOIN bills b ON b.id = ANY(e.source_parts)
       WHERE e.source_type = 'insurance_secondary' AND e.kind = 'blue' AND e.reversed_by IS NULL
         AND e.state IN ('pending', 'issued', 'failed') AND b.state = 'refunded' AND b.refunded_at >= ${since}
       LIMIT ${limit}`);
    return rowsOf<{ id: string }>(r).map((x) => x.id);
  },
};

const LEVEL_NAMES = { general: '普通号', expert: '专家号', special: '特需号' } as const;
const INVOICED_REGISTRATION_STATES = ['booked', 'checked_in', 'completed', 'no_show'];

/**
 * Registration fees paid through the payment platform (REG-07): one item, the fee of the level, with
 * the department and doctor; a cancelled (退号) registration's fee is refunded, so its invoice is
 * red-lettered. Fees collected by other channels are invoiced by those channels.
 */
export const registrationSource: InvoiceSource = {
  category: 'registration',

  async snapshot(ctx, registrationId) {
    const r = await loadRegistration(ctx.db, registrationId).catch(() => undefined);
    if (!r || !r.paymentOrderId || !r.accountId || !r.patientId || r.paidExternally) return undefined;
    if (!INVOICED_REGISTRATION_STATES.includes(r.state) || r.feeFen <= 0) return undefined;
    const order = await getPaymentOrder(ctx, r.paymentOrderId);
    if (!order || order.businessType !== 'registration') return undefined;
    const names = await namesFor(ctx, [r]);
    const dept = names.departments.get(r.departmentId) ?? '';
    const doctor = names.doctors.get(r.doctorId)?.name ?? '';
    return {
      category: 'registration',
      title: `挂号费：${dept} ${doctor} ${r.clinicDate}`.trim().slice(0, 200),
      accountId: r.accountId,
      patientId: r.patientId,
      orderId: order.id,
      orderNo: order.orderNo,
      paidAt: r.paidAt ?? order.paidAt ?? ctx.clock.now(),
      items: [
        {
          part: r.id,
          code: `GH-${r.level}`,
          name: `挂号费（${LEVEL_NAMES[r.level] ?? r.level}）`,
          spec: [dept, doctor].filter(Boolean).join(' ') || null,
          unit: '次',
          quantity: 1,
          unitPriceFen: r.feeFen,
          amountFen: r.feeFen,
        },
      ],
    };
  },

  async refundedParts(ctx, parts) {
    if (!parts.length) return [];
    const rows = await ctx.db
      .select({ id: registrations.id })
      .from(registrations)
      .where(and(inArray(registrations.id, parts), eq(registrations.state, 'cancelled')));
    return rows.map((r) => r.id);
  },

  async printedParts() {
    return [];
  },

  async markPrinted() {
    // Registration fees have no printed-copy rule of their own; the e-invoice records the print.
  },

  async unrequested(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT r.id FROM registrations r
       WHERE r.payment_order_id IS NOT NULL AND r.paid_at >= ${since} AND NOT r.paid_externally
         AND r.state IN ('booked', 'checked_in', 'completed', 'no_show')
         AND NOT EXISTS (SELECT 1 FROM einvoices e WHERE e.source_type = 'registration' AND e.source_id = r.id)
       ORDER BY r.paid_at LIMIT ${limit}`);
    return rowsOf<{ id: string }>(r).map((x) => x.id);
  },

  async refundedSince(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT r.id FROM registrations r
       WHERE r.state = 'cancelled' AND r.cancelled_at >= ${since} AND r.payment_order_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM einvoices e
                      WHERE e.source_type = 'registration' AND e.source_id = r.id AND e.kind = 'blue'
                        AND e.reversed_by IS NULL AND e.state IN ('pending', 'issued', 'failed'))
       LIMIT ${limit}`);
    return rowsOf<{ id: string }>(r).map((x) => x.id);
  },
};

/**
 * Inpatient stays (INP-07): once the discharge settlement is done (remainder paid, surplus deposit
 * refunded, or balanced) the stay's charges are invoiced in one 住院 invoice, a line per fee
 * category; a difference between the HIS's final total and the daily charges is its own line.
 * The invoice covers the settled stay, not the deposits: a surplus refund keeps it (the settled total
 * did not change), while a reversal of the settlement by the HIS (撤销出院结算) takes the settlement
 * away, so its invoice is red-lettered and the next settlement gets a new one. Each settlement is its
 * own part (`<admission id>` for the first, `<admission id>:s<n>` after n reversals).
 */
export const inpatientSource: InvoiceSource = {
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
    const items: StoredItem[] = lines
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

  async unrequested(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT a.id FROM inpatient_admissions a
       WHERE a.state = 'discharged' AND a.settlement_state IN ('settled', 'refunded')
         AND a.resolved_patient_id IS NOT NULL AND a.updated_at >= ${since}
         AND NOT EXISTS (SELECT 1 FROM einvoices e
                          WHERE e.source_type = 'inpatient' AND e.source_id = a.id AND e.kind = 'blue'
                            AND (CASE WHEN a.settlement_generation = 0 THEN a.id
                                      ELSE a.id || ':s' || a.settlement_generation END) = ANY(e.source_parts))
       ORDER BY a.updated_at LIMIT ${limit}`);
    return rowsOf<{ id: string }>(r).map((x) => x.id);
  },

  async refundedSince(ctx, since, limit) {
    const r = await ctx.db.execute<{ id: string }>(sql`
      SELECT a.id FROM inpatient_admissions a
       WHERE a.settlement_reversed_at >= ${since}
         AND EXISTS (SELECT 1 FROM einvoices e
                      WHERE e.source_type = 'inpatient' AND e.source_id = a.id AND e.kind = 'blue'
                        AND e.reversed_by IS NULL AND e.state IN ('pending', 'issued', 'failed')
                        AND NOT ((CASE WHEN a.settlement_generation = 0 THEN a.id
                                       ELSE a.id || ':s' || a.settlement_generation END) = ANY(e.source_parts)))
       LIMIT ${limit}`);
    return rowsOf<{ id: string }>(r).map((x) => x.id);
  },
};

const settlementPart = (admissionId: string, generation: number) =>
  generation ? `${admissionId}:s${generation}` : admissionId;

function parseSettlementPart(part: string): { admissionId: string; generation: number } {
  const m = /^(.*):s(\d+)$/.exec(part);
  return m ? { admissionId: m[1], generation: Number(m[2]) } : { admissionId: part, generation: 0 };
}

export const SOURCES: Record<string, InvoiceSource> = {
  bill: billSource,
  registration: registrationSource,
  inpatient: inpatientSource,
  insurance_secondary: secondarySettlementSource,
};

/** db.execute answers differ by driver (node-postgres: { rows }, PGlite: { rows } too, older: an array). */
function rowsOf<T>(r: unknown): T[] {
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}
