// Insurance: helpers shared by the settlement parts (views, compare-and-set moves, notices, failure backoff,
// item splits) and the insurance split of a settlement.

import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { DomainError, conflict } from '../../platform/errors.js';
import {
  InsuranceError,
  type InsuranceItem,
  type SettlementSplit,
} from '../../integrations/insurance/index.js';
import { getPatientById, getPatientForRecords } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { getPaymentOrder } from '../payments/index.js';
import type { billsForSettlement } from '../billing/index.js';
import { insuranceSettlementBills, insuranceSettlements, type InsuranceSettlementState } from './schema.js';
import { settlementNotFound, type SettlementRow } from './shared.js';

export async function settlementView(ctx: AppContext, s: SettlementRow, opts: { withBills?: boolean } = {}) {
  const order =
    s.cashOrderId && s.kind === 'outpatient' ? await getPaymentOrder(ctx, s.cashOrderId) : undefined;
  const bills =
    opts.withBills === false
      ? undefined
      : await ctx.db
          .select()
          .from(insuranceSettlementBills)
          .where(eq(insuranceSettlementBills.settlementId, s.id));
  return {
    id: s.id,
    settlementNo: s.settlementNo,
    kind: s.kind,
    patientId: s.patientId,
    state: s.state,
    insuranceState: s.insuranceState,
    billIds: s.billIds,
    useAccount: s.useAccount,
    totalFen: s.totalFen,
    fundFen: s.fundFen,
    accountFen: s.accountFen,
    cashFen: s.cashFen,
    preExpiresAt: s.preExpiresAt.toISOString(),
    cashOrderId: s.kind === 'outpatient' ? s.cashOrderId : null,
    cashOrderNo: order?.orderNo ?? null,
    cashOrderState: order?.state ?? null,
    cashRefundIds: s.cashRefundIds,
    reason: s.reason,
    settledAt: s.settledAt?.toISOString() ?? null,
    closedAt: s.closedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    bills: bills?.map((b) => ({
      billId: b.billId,
      billNo: b.billNo,
      totalFen: b.totalFen,
      fundFen: b.fundFen,
      accountFen: b.accountFen,
      cashFen: b.cashFen,
    })),
  };
}

export async function settlementRow(ctx: AppContext, id: string): Promise<SettlementRow> {
  const [s] = await ctx.db.select().from(insuranceSettlements).where(eq(insuranceSettlements.id, id));
  if (!s) throw settlementNotFound();
  return s;
}

/** Mine (and the patient's consent holds), or the same 404 as a missing settlement. */
export async function ownSettlement(ctx: AppContext, accountId: string, id: string): Promise<SettlementRow> {
  const [s] = await ctx.db.select().from(insuranceSettlements).where(eq(insuranceSettlements.id, id));
  if (!s || s.accountId !== accountId) throw settlementNotFound();
  await getPatientForRecords(ctx, accountId, s.patientId).catch(() => {
    throw settlementNotFound();
  });
  return s;
}

/** A compare-and-set transition; answers the moved row or undefined when the state was not `from`. */
export async function move(
  ctx: AppContext,
  id: string,
  from: InsuranceSettlementState,
  to: InsuranceSettlementState,
  set: Partial<SettlementRow>,
  extra?: SQL,
): Promise<SettlementRow | undefined> {
  const [u] = await ctx.db
    .update(insuranceSettlements)
    .set({ ...set, state: to, updatedAt: ctx.clock.now() })
    .where(and(eq(insuranceSettlements.id, id), eq(insuranceSettlements.state, from), extra))
    .returning();
  return u;
}

export async function patch(
  ctx: AppContext,
  id: string,
  state: InsuranceSettlementState,
  set: Partial<SettlementRow>,
) {
  const u = await move(ctx, id, state, state, set);
  if (!u) throw conflict('INSURANCE_SETTLEMENT_CHANGED', '结算状态已变化', 'The settlement changed');
  return u;
}

/** A message to the account (never ID or phone numbers); a failed message never fails the money path. */
export async function tell(ctx: AppContext, s: SettlementRow, template: string) {
  try {
    const patient = await getPatientById(ctx, s.patientId).catch(() => undefined);
    await notify(ctx, {
      accountId: s.accountId,
      template,
      data: {
        settlementId: s.id,
        settlementNo: s.settlementNo,
        patientName: patient?.name ?? '',
        total: formatYuan(s.totalFen),
        fund: formatYuan(s.fundFen),
        account: formatYuan(s.accountFen),
        cash: formatYuan(s.cashFen),
      },
    });
  } catch (err) {
    ctx.log.error({ err, settlementId: s.id, template }, 'insurance message not recorded');
  }
}

const backoffMs = (attempts: number) => Math.min(2 ** Math.max(0, attempts - 1), 30) * 60_000;

export async function noteFailure(ctx: AppContext, s: SettlementRow, err: unknown) {
  const error = errorText(err);
  ctx.log.warn({ settlementId: s.id, state: s.state, error }, 'insurance settlement step failed; will retry');
  const now = ctx.clock.now();
  await ctx.db
    .update(insuranceSettlements)
    .set({
      attempts: sql`${insuranceSettlements.attempts} + 1`,
      nextAttemptAt: new Date(now.getTime() + backoffMs(s.attempts + 1)),
      lastError: error.slice(0, 500),
      updatedAt: now,
    })
    .where(and(eq(insuranceSettlements.id, s.id), eq(insuranceSettlements.state, s.state)));
}

export function gteExpiry(now: Date) {
  return sql`${insuranceSettlements.preExpiresAt} > ${now}`;
}

export const preSettlementExpired = () =>
  conflict(
    'PRE_SETTLEMENT_EXPIRED',
    '预结算已过期，请重新预结算',
    'The pre-settlement expired; pre-settle again',
  );

export function itemsOf(bills: Awaited<ReturnType<typeof billsForSettlement>>): InsuranceItem[] {
  return bills.flatMap((b) =>
    b.items.map((i) => ({ billNo: b.bill.billNo, code: i.code, name: i.name, amountFen: i.amountFen })),
  );
}

export function billSplits(
  settlementId: string,
  bills: Awaited<ReturnType<typeof billsForSettlement>>,
  split: SettlementSplit,
) {
  return bills.map((b) => {
    const part = split.bills.find((x) => x.billNo === b.bill.billNo)!;
    return {
      settlementId,
      billId: b.bill.id,
      billNo: b.bill.billNo,
      totalFen: part.totalFen,
      fundFen: part.fundFen,
      accountFen: part.accountFen,
      cashFen: part.cashFen,
    };
  });
}

export function errorText(err: unknown) {
  if (err instanceof InsuranceError) return `${err.code}: ${err.message}`;
  if (err instanceof DomainError) return `${err.code}: ${err.en}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The fund / personal account / cash split of a completed settlement, for the medical e-invoice of
 * the bills it paid (undefined while it is not settled).
 */
export async function insuranceSplitOf(ctx: AppContext, settlementNo: string) {
  const [s] = await ctx.db
    .select({
      state: insuranceSettlements.state,
      fundFen: insuranceSettlements.fundFen,
      accountFen: insuranceSettlements.accountFen,
      cashFen: insuranceSettlements.cashFen,
    })
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.settlementNo, settlementNo));
  if (!s || !['settled', 'refunding', 'refunded'].includes(s.state)) return undefined;
  return { fundFen: s.fundFen, accountFen: s.accountFen, cashFen: s.cashFen };
}
