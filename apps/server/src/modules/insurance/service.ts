import { and, desc, eq, gte, inArray, isNotNull, lt, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { newId, nextBusinessNumber } from '../../platform/ids.js';
import { hospitalDay, hospitalTime } from '../../platform/clock.js';
import { maskName } from '../../platform/pii.js';
import {
  InsuranceError,
  type InsuranceItem,
  type SettlementSplit,
} from '../../integrations/insurance/index.js';
import { blindIndexOf, getPatientById, getPatientForRecords, type PatientRecord } from '../identity/index.js';
import { piiCipher } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import type { PaymentOrderView } from '../payments/index.js';
import { closePaymentOrder, createPaymentOrder, getPaymentOrder, requestRefund } from '../payments/index.js';
import {
  attemptWriteBack,
  billsForSettlement,
  holdBillsForSettlement,
  listBills,
  markBillPaymentPaid,
  pendingBillsOf,
  refundSettlementBills,
  refusedAtCounter,
  releaseBillHold,
} from '../billing/index.js';
import {
  confirmRegistrationPaidByInsurance,
  loadRegistration,
  ownRegistration,
  type Registration,
} from '../registration/index.js';
import {
  insuranceCredentials,
  insuranceSettlementBills,
  insuranceSettlements,
  type InsuranceSettlementKind,
  type InsuranceSettlementState,
} from './schema.js';

export const BUSINESS_TYPE = 'insurance';
export const INSURANCE_SWEEP_JOB = 'insurance.sweep';

type CredentialRow = typeof insuranceCredentials.$inferSelect;
type SettlementRow = typeof insuranceSettlements.$inferSelect;

/** States in which a settlement holds its bills or money (a bill is in at most one of them). */
const LIVE_STATES: InsuranceSettlementState[] = [
  'settling',
  'cash_pending',
  'settled',
  'reversing',
  'refunding',
];
// A settle call left 'settling' this long was interrupted (a crash): its outcome is unknown.
const STALE_SETTLING_MS = 5 * 60_000;
// Bills stay held a little beyond the cash deadline, so a payment arriving at the last second still finds them.
const HOLD_MARGIN_MS = 5 * 60_000;

const settlementNotFound = () =>
  new DomainError(
    'INSURANCE_SETTLEMENT_NOT_FOUND',
    404,
    '医保结算记录不存在',
    'Insurance settlement not found',
  );
const credentialNotFound = () =>
  new DomainError(
    'INSURANCE_CREDENTIAL_NOT_FOUND',
    404,
    '尚未激活授权医保电子凭证',
    'No insurance credential is authorised for this patient',
  );
const notAuthorised = () =>
  conflict(
    'INSURANCE_NOT_AUTHORISED',
    '请先激活并授权医保电子凭证',
    'Activate and authorise the insurance credential first',
  );
const credentialExpired = () =>
  conflict(
    'INSURANCE_CREDENTIAL_EXPIRED',
    '医保电子凭证授权已过期，请重新授权',
    'The insurance credential authorisation expired; authorise it again',
  );
const nameMismatch = () =>
  conflict(
    'INSURANCE_NAME_MISMATCH',
    '处方姓名与医保电子凭证实名信息不一致，不能使用医保支付',
    'The name on the prescription does not match the real name of the insurance credential',
  );
const unavailable = () =>
  new DomainError(
    'INSURANCE_UNAVAILABLE',
    502,
    '医保平台暂时不可用，请稍后再试',
    'The insurance platform is unavailable; try again later',
  );

// ---------------------------------------------------------------------------------------------
// The credential (INS-01 … INS-05, INS-13, INS-14)
// ---------------------------------------------------------------------------------------------

/**
 * INS-01/04: exchanges the credential SDK's authorisation code for the insured person; only the
 * patient's own identity is accepted (ID number and real name), otherwise nothing is stored.
 */
export async function authoriseCredential(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; authCode: string },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  if (!p.verified)
    throw conflict('PATIENT_NOT_VERIFIED', '就诊人尚未实名认证', 'The patient is not real-name verified');
  let cred;
  try {
    cred = await ctx.adapters.insurance.authorise(ctx, input.authCode);
  } catch (err) {
    if (err instanceof InsuranceError && !err.retryable)
      throw badRequest(
        'INSURANCE_AUTH_CODE_INVALID',
        '医保电子凭证授权码无效或已过期，请重新授权',
        'The credential authorisation code is invalid or expired',
      );
    throw unavailable();
  }
  if (blindIndexOf(ctx, cred.person.idNumber) !== blindIndexOf(ctx, p.idNumber))
    throw conflict(
      'INSURANCE_IDENTITY_MISMATCH',
      '医保电子凭证不属于该就诊人',
      'The insurance credential belongs to someone else',
    );
  if (!sameName(cred.person.name, p.name)) throw nameMismatch();
  const now = ctx.clock.now();
  const cipher = piiCipher(ctx.config);
  const values = {
    accountId,
    personIdx: blindIndexOf(ctx, p.idNumber),
    holderName: cred.person.name,
    insuredNo: cred.person.insuredNo,
    insuranceType: cred.person.insuranceType,
    areaCode: cred.person.areaCode,
    areaName: cred.person.areaName,
    ecTokenEnc: cipher.encrypt(cred.ecToken),
    tokenExpiresAt: cred.expiresAt,
    state: 'active' as const,
    authorisedAt: now,
    updatedAt: now,
  };
  await ctx.db
    .insert(insuranceCredentials)
    .values({ id: newId(), patientId: p.id, createdAt: now, ...values })
    .onConflictDoUpdate({ target: insuranceCredentials.patientId, set: values });
  return credentialView(ctx, await credentialOf(ctx, p));
}

/** INS-02: the electronic insurance card's information (numbers masked). */
export async function getCredential(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  return credentialView(ctx, await credentialOf(ctx, p));
}

/** INS-03: the dynamic QR payload shown for offline settlement in the hospital. */
export async function credentialQr(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const qr = await platformCall(() => ctx.adapters.insurance.credentialQr(ctx, tokenOf(ctx, c)));
  return { payload: qr.payload, expiresAt: qr.expiresAt.toISOString() };
}

/** INS-05: a social-security card is bound only when it is the credential holder's own card. */
export async function bindSocialCard(ctx: AppContext, accountId: string, patientId: string, cardNo: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const number = cardNo.trim().toUpperCase();
  const own = await platformCall(() =>
    ctx.adapters.insurance.socialCardBelongs(ctx, tokenOf(ctx, c), number),
  );
  if (!own)
    throw conflict(
      'SOCIAL_CARD_NOT_OWN',
      '只能绑定本人实名身份的社保卡',
      'Only the social-security card of the patient’s own verified identity can be bound',
    );
  const now = ctx.clock.now();
  const [u] = await ctx.db
    .update(insuranceCredentials)
    .set({
      socialCardNoEnc: piiCipher(ctx.config).encrypt(number),
      socialCardNoMasked: number.slice(0, 2) + '*'.repeat(Math.max(0, number.length - 5)) + number.slice(-3),
      socialCardBoundAt: now,
      updatedAt: now,
    })
    .where(eq(insuranceCredentials.id, c.id))
    .returning();
  return credentialView(ctx, u);
}

/** INS-13: the personal account balance at the insurance platform. */
export async function accountBalance(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const b = await platformCall(() => ctx.adapters.insurance.balance(ctx, tokenOf(ctx, c)));
  return { balanceFen: b.balanceFen, at: ctx.clock.now().toISOString() };
}

/** INS-14: the personal account's consumption records, newest first. */
export async function consumptionRecords(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const rows = await platformCall(() => ctx.adapters.insurance.consumption(ctx, tokenOf(ctx, c)));
  return rows.map((r) => ({
    at: r.at.toISOString(),
    kind: r.kind,
    settlementNo: r.settlementNo,
    fundFen: r.fundFen,
    accountFen: r.accountFen,
    institution: r.institution,
  }));
}

async function credentialOf(ctx: AppContext, p: PatientRecord): Promise<CredentialRow> {
  const [c] = await ctx.db
    .select()
    .from(insuranceCredentials)
    .where(and(eq(insuranceCredentials.patientId, p.id), eq(insuranceCredentials.state, 'active')));
  // Re-added or re-identified patients: the credential must still be this identity's.
  if (!c || c.personIdx !== blindIndexOf(ctx, p.idNumber)) throw credentialNotFound();
  return c;
}

function tokenOf(ctx: AppContext, c: CredentialRow): string {
  if (c.tokenExpiresAt <= ctx.clock.now()) throw credentialExpired();
  return piiCipher(ctx.config).decrypt(c.ecTokenEnc);
}

function credentialView(ctx: AppContext, c: CredentialRow) {
  return {
    patientId: c.patientId,
    holderName: maskName(c.holderName),
    insuredNo:
      c.insuredNo.slice(0, 4) + '*'.repeat(Math.max(0, c.insuredNo.length - 8)) + c.insuredNo.slice(-4),
    insuranceType: c.insuranceType,
    areaCode: c.areaCode,
    areaName: c.areaName,
    state: c.tokenExpiresAt <= ctx.clock.now() ? ('expired' as const) : c.state,
    socialCardNo: c.socialCardNoMasked,
    socialCardBoundAt: c.socialCardBoundAt?.toISOString() ?? null,
    authorisedAt: c.authorisedAt.toISOString(),
    expiresAt: c.tokenExpiresAt.toISOString(),
  };
}

function sameName(a: string, b: string) {
  const n = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').replace(/[•.]/g, '·').toUpperCase();
  return n(a) === n(b);
}

async function platformCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if (err instanceof InsuranceError && err.code === 'TOKEN_EXPIRED') throw credentialExpired();
    throw unavailable();
  }
}

// ---------------------------------------------------------------------------------------------
// Bills, pre-settlement and settlement (INS-06 … INS-08)
// ---------------------------------------------------------------------------------------------

/** INS-06: the pending bills insurance can settle (not in a live payment), and whether the patient is authorised. */
export async function insurableBills(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const authorised = await credentialOf(ctx, p).then(
    () => true,
    () => false,
  );
  const items = (await pendingBillsOf(ctx, accountId, patientId)).filter((b) => !b.inPayment);
  return { authorised, items };
}

/**
 * INS-07: asks the insurance platform to split the bills into pooled fund, personal account and
 * cash. The answer is valid for INSURANCE_PRE_SETTLEMENT_MINUTES; settlement needs a valid one.
 */
export async function preSettle(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; billIds: string[]; useAccount: boolean },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  const c = await credentialOf(ctx, p).catch(() => {
    throw notAuthorised();
  });
  const token = tokenOf(ctx, c);
  const bills = await billsForSettlement(ctx, p, input.billIds);
  const notPending = bills.filter((b) => b.bill.state !== 'pending');
  if (notPending.length)
    throw conflict('BILL_NOT_PENDING', '所选单据已缴费或已退费', 'Some bills are not pending', {
      billIds: notPending.map((b) => b.bill.id),
    });
  // INS-04: the name on the prescription must be the credential's real name.
  if (bills.some((b) => !sameName(b.visitPatientName, c.holderName))) throw nameMismatch();
  const now = ctx.clock.now();
  const settlementNo = await nextBusinessNumber(ctx.db, ctx.clock, 'YB');
  const split = await platformCall(() =>
    ctx.adapters.insurance.preSettle(ctx, {
      ecToken: token,
      settlementNo,
      useAccount: input.useAccount,
      items: itemsOf(bills),
    }),
  );
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(insuranceSettlements).values({
      id,
      settlementNo,
      kind: 'outpatient',
      accountId,
      patientId: p.id,
      credentialId: c.id,
      billIds: bills.map((b) => b.bill.id),
      useAccount: input.useAccount,
      totalFen: split.totalFen,
      fundFen: split.fundFen,
      accountFen: split.accountFen,
      cashFen: split.cashFen,
      state: 'pre_settled',
      preExpiresAt: new Date(now.getTime() + ctx.config.INSURANCE_PRE_SETTLEMENT_MINUTES * 60_000),
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(insuranceSettlementBills).values(billSplits(id, bills, split));
  });
  return settlementView(ctx, await settlementRow(ctx, id));
}

/**
 * INS-08: settles a valid pre-settlement. The insurance part is settled at the platform first;
 * the cash part becomes a payment order. If either part fails the other is reversed. A repeated
 * request answers the settlement as it stands.
 */
export async function settle(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  if (s.state !== 'pre_settled') {
    if (['settling', 'cash_pending', 'settled', 'refunding', 'refunded'].includes(s.state))
      return settlementView(ctx, s);
    if (s.state === 'expired') throw preSettlementExpired();
    throw conflict('INSURANCE_SETTLEMENT_CLOSED', '该医保结算已结束', 'This insurance settlement is closed', {
      state: s.state,
    });
  }
  const now = ctx.clock.now();
  if (s.preExpiresAt <= now) {
    await move(ctx, s.id, 'pre_settled', 'expired', { closedAt: now });
    throw preSettlementExpired();
  }
  const p = await getPatientById(ctx, s.patientId);
  const c = await credentialOf(ctx, p).catch(() => {
    throw notAuthorised();
  });
  const token = tokenOf(ctx, c);
  const bills = await billsForSettlement(ctx, p, s.billIds);
  if (bills.some((b) => !sameName(b.visitPatientName, c.holderName))) throw nameMismatch();
  if (bills.reduce((sum, b) => sum + b.bill.amountFen, 0) !== s.totalFen)
    throw conflict(
      'PRE_SETTLEMENT_STALE',
      '单据金额已变化，请重新预结算',
      'The bills changed since the pre-settlement; pre-settle again',
    );
  // Double submit: only one request moves it out of pre_settled; the other answers its state.
  const claimed = await move(ctx, s.id, 'pre_settled', 'settling', {}, gteExpiry(now));
  if (!claimed) return settlementView(ctx, await settlementRow(ctx, s.id));
  let holdId: string;
  try {
    holdId = await holdBillsForSettlement(ctx, {
      accountId: s.accountId,
      patient: p,
      billIds: s.billIds,
      settlementNo: s.settlementNo,
      expiresAt: new Date(now.getTime() + ctx.config.INSURANCE_CASH_MINUTES * 60_000 + HOLD_MARGIN_MS),
    });
  } catch (err) {
    await move(ctx, s.id, 'settling', 'pre_settled', {});
    throw err;
  }
  await ctx.db
    .update(insuranceSettlements)
    .set({ billPaymentId: holdId, updatedAt: ctx.clock.now() })
    .where(eq(insuranceSettlements.id, s.id));
  let split: SettlementSplit;
  try {
    split = await ctx.adapters.insurance.settle(ctx, {
      ecToken: token,
      settlementNo: s.settlementNo,
      useAccount: s.useAccount,
      items: itemsOf(bills),
    });
  } catch (err) {
    const error = errorText(err);
    if (err instanceof InsuranceError && !err.retryable) {
      // Refused for good: nothing was charged anywhere.
      await move(ctx, s.id, 'settling', 'failed', {
        lastError: error,
        reason: 'insurance_refused',
        closedAt: now,
      });
      await releaseBillHold(ctx, holdId);
      throw conflict(
        'INSURANCE_SETTLEMENT_REFUSED',
        '医保平台拒绝了本次结算，未产生扣费',
        'The insurance platform refused the settlement; nothing was charged',
        { reason: err.code },
      );
    }
    // No answer: the platform may have settled it; cancel it (idempotent) before anything else.
    await beginReversal(ctx, s.id, 'settling', 'insurance_unanswered', {
      insuranceState: 'unknown',
      lastError: error,
    });
    throw unavailable();
  }
  const [recorded] = await ctx.db
    .update(insuranceSettlements)
    .set({
      fundFen: split.fundFen,
      accountFen: split.accountFen,
      cashFen: split.cashFen,
      insuranceState: 'settled',
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(insuranceSettlements.id, s.id), eq(insuranceSettlements.state, 'settling')))
    .returning();
  if (!recorded) return settlementView(ctx, await settlementRow(ctx, s.id));
  await ctx.db.transaction(async (tx) => {
    await tx.delete(insuranceSettlementBills).where(eq(insuranceSettlementBills.settlementId, s.id));
    await tx.insert(insuranceSettlementBills).values(billSplits(s.id, bills, split));
  });
  if (split.cashFen === 0) {
    await completeSettlement(ctx, recorded, 'settling', null, ctx.clock.now());
    return settlementView(ctx, await settlementRow(ctx, s.id));
  }
  try {
    const order = await createPaymentOrder(ctx, {
      businessType: BUSINESS_TYPE,
      businessId: s.id,
      accountId: s.accountId,
      patientId: s.patientId,
      amountFen: split.cashFen,
      subject: `医保结算自付部分 ${s.billIds.length} 张单据`,
      expiresAt: new Date(ctx.clock.now().getTime() + ctx.config.INSURANCE_CASH_MINUTES * 60_000),
      idempotencyKey: `insurance-cash:${s.id}`,
    });
    await move(ctx, s.id, 'settling', 'cash_pending', { cashOrderId: order.id });
  } catch (err) {
    await beginReversal(ctx, s.id, 'settling', 'cash_order_failed', { lastError: errorText(err) });
    throw err instanceof DomainError ? err : unavailable();
  }
  return settlementView(ctx, await settlementRow(ctx, s.id));
}

/** INS-07: direct settlement — the pre-settlement and the settlement in one request. */
export async function settleDirectly(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; billIds: string[]; useAccount: boolean },
) {
  const pre = await preSettle(ctx, accountId, input);
  return settle(ctx, accountId, pre.id);
}

/** The cash part was paid (payment platform's onPaid): both parts succeeded, the bills become paid. */
export async function onCashPaid(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const s = await settlementRow(ctx, order.businessId);
  try {
    await completeSettlement(ctx, s, 'cash_pending', order.id, order.paidAt ?? ctx.clock.now());
  } catch (err) {
    // Throwing makes the payment platform refund the cash in full; insurance is reversed here.
    if (err instanceof DomainError && err.code === 'BILL_NOT_PAYABLE')
      await beginReversal(ctx, s.id, 'cash_pending', 'bills_unavailable', {});
    throw err;
  }
}

/** The cash order closed unpaid (expired or cancelled): the insurance part is reversed. */
export async function onCashClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  await beginReversal(ctx, order.businessId, 'cash_pending', 'cash_not_paid', {});
}

async function completeSettlement(
  ctx: AppContext,
  s: SettlementRow,
  from: InsuranceSettlementState,
  orderId: string | null,
  paidAt: Date,
) {
  const done = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const [u] = await tx
      .update(insuranceSettlements)
      .set({ state: 'settled', cashPaid: orderId !== null, settledAt: now, updatedAt: now })
      .where(and(eq(insuranceSettlements.id, s.id), eq(insuranceSettlements.state, from)))
      .returning();
    if (!u)
      throw conflict(
        'INSURANCE_SETTLEMENT_NOT_PAYABLE',
        '该医保结算已撤销，现金部分将原路退回',
        'The insurance settlement was reversed; the cash part is refunded',
      );
    await markBillPaymentPaid(ctx, tx, s.billPaymentId!, { orderId, referenceNo: s.settlementNo, paidAt });
    return u;
  });
  await tell(ctx, done, 'insurance.settled');
  // Both parts are in: a write-back problem from here on is billing's to retry, never a reason to
  // undo the payment.
  await attemptWriteBack(ctx, done.billPaymentId!).catch((err) =>
    ctx.log.error(
      { err, settlementId: s.id },
      'write-back after an insurance settlement failed; the sweep retries',
    ),
  );
}

/** INS-10 (patient): gives up a settlement whose cash part is not paid yet; the insurance part is reversed. */
export async function cancelSettlement(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  await cancelUnpaid(ctx, s, 'cancelled_by_patient', 'patient');
  return settlementView(ctx, await settlementRow(ctx, s.id));
}

async function cancelUnpaid(ctx: AppContext, s: SettlementRow, reason: string, by: string) {
  const now = ctx.clock.now();
  if (s.state === 'reversing' || s.state === 'reversed') return;
  if (s.state === 'pre_settled') {
    await move(ctx, s.id, 'pre_settled', 'reversed', { reason, requestedBy: by, closedAt: now });
    return;
  }
  if (s.state !== 'cash_pending')
    throw conflict(
      'INSURANCE_SETTLEMENT_NOT_CANCELLABLE',
      '该医保结算当前不能撤销',
      'This insurance settlement cannot be cancelled now',
      { state: s.state },
    );
  // The cash order is closed first, so it can no longer be paid; a paid one cannot be cancelled.
  await closePaymentOrder(ctx, s.cashOrderId!, reason).catch((err) => {
    if (err instanceof DomainError && err.code === 'PAYMENT_ORDER_ALREADY_PAID')
      throw conflict(
        'INSURANCE_CASH_ALREADY_PAID',
        '自付部分已支付，请改为申请退费',
        'The cash part is already paid; request a refund instead',
      );
    throw err;
  });
  await beginReversal(ctx, s.id, 'cash_pending', reason, { requestedBy: by });
}

// ---------------------------------------------------------------------------------------------
// Reversal and refund (INS-10, INS-11): driven by the sweep until each part is done
// ---------------------------------------------------------------------------------------------

async function beginReversal(
  ctx: AppContext,
  settlementId: string,
  from: InsuranceSettlementState,
  reason: string,
  extra: Partial<SettlementRow>,
) {
  const moved = await move(ctx, settlementId, from, 'reversing', {
    reason,
    nextAttemptAt: ctx.clock.now(),
    ...extra,
  });
  if (moved) await runReversal(ctx, settlementId);
}

/**
 * One pass of a reversal: cancel the insurance part (idempotent at the platform), refund a paid
 * cash part, give the bills back. A failing step is retried by the sweep with backoff.
 */
export async function runReversal(ctx: AppContext, settlementId: string): Promise<void> {
  let s = await settlementRow(ctx, settlementId);
  if (s.state !== 'reversing') return;
  try {
    if (s.insuranceState === 'settled' || s.insuranceState === 'unknown') {
      await ctx.adapters.insurance.cancel(ctx, s.settlementNo, s.reason ?? 'reversal');
      s = await patch(ctx, s.id, 'reversing', { insuranceState: 'cancelled' });
    }
    if (s.cashPaid && s.cashFen > 0 && !s.cashRefundIds.length) {
      const refund = await requestRefund(ctx, {
        orderId: s.cashOrderId!,
        amountFen: s.cashFen,
        reason: `医保结算撤销，自付部分原路退回 / insurance settlement reversed (${s.reason})`,
        refundKey: `insurance-reversal:${s.id}`,
        requestedBy: 'system',
      });
      s = await patch(ctx, s.id, 'reversing', { cashRefundIds: [refund.id] });
    }
    if (s.billPaymentId) await releaseBillHold(ctx, s.billPaymentId);
  } catch (err) {
    await noteFailure(ctx, s, err);
    return;
  }
  const reversed = await move(ctx, s.id, 'reversing', 'reversed', {
    closedAt: ctx.clock.now(),
    lastError: null,
  });
  if (reversed && reversed.reason !== 'cancelled_by_patient') await tell(ctx, reversed, 'insurance.reversed');
}

/**
 * INS-11: refunds a settled payment by the original route — fund and personal account through the
 * insurance platform, cash through the payment platform — under billing's online refund rules
 * (staff at the counter skip only the time window).
 */
export async function refundSettlement(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  await startRefund(ctx, s, { requestedBy: 'patient', ignoreWindow: false });
  return settlementView(ctx, await settlementRow(ctx, s.id));
}

async function startRefund(
  ctx: AppContext,
  s: SettlementRow,
  opts: { requestedBy: string; ignoreWindow: boolean; reason?: string },
) {
  if (s.state === 'refunding' || s.state === 'refunded') return;
  if (s.state !== 'settled')
    throw conflict(
      'INSURANCE_SETTLEMENT_NOT_REFUNDABLE',
      '该医保结算当前不能退费',
      'This insurance settlement cannot be refunded now',
      { state: s.state },
    );
  if (s.kind === 'secondary')
    throw refusedAtCounter('INSURANCE_SECONDARY_SETTLED', s.settlementNo, '医保二次结算的单据');
  await refundSettlementBills(ctx, s.billPaymentId!, {
    refundKey: `insurance-refund:${s.id}`,
    ignoreWindow: opts.ignoreWindow,
    moneyBack: async () => {
      const moved = await move(ctx, s.id, 'settled', 'refunding', {
        requestedBy: opts.requestedBy,
        reason: opts.reason ?? 'refund',
        nextAttemptAt: ctx.clock.now(),
      });
      if (!moved)
        throw conflict(
          'INSURANCE_SETTLEMENT_CHANGED',
          '结算状态已变化，请刷新',
          'The settlement changed; reload it',
        );
      return s.settlementNo;
    },
  });
  await runRefund(ctx, s.id);
}

export async function runRefund(ctx: AppContext, settlementId: string): Promise<void> {
  let s = await settlementRow(ctx, settlementId);
  if (s.state !== 'refunding') return;
  try {
    if (s.insuranceState === 'settled') {
      await ctx.adapters.insurance.refund(ctx, s.settlementNo, `${s.settlementNo}R`, s.reason ?? 'refund');
      s = await patch(ctx, s.id, 'refunding', { insuranceState: 'refunded' });
    }
    if (s.cashPaid && s.cashFen > 0 && !s.cashRefundIds.length) {
      const refund = await requestRefund(ctx, {
        orderId: s.cashOrderId!,
        amountFen: s.cashFen,
        reason: '医保结算退费，自付部分原路退回 / insurance settlement refunded',
        refundKey: `insurance-refund:${s.id}`,
        requestedBy: s.requestedBy ?? 'patient',
      });
      s = await patch(ctx, s.id, 'refunding', { cashRefundIds: [refund.id] });
    }
  } catch (err) {
    await noteFailure(ctx, s, err);
    return;
  }
  const refunded = await move(ctx, s.id, 'refunding', 'refunded', {
    closedAt: ctx.clock.now(),
    lastError: null,
  });
  if (refunded) await tell(ctx, refunded, 'insurance.refunded');
}

/** Billing's hook: the HIS never took the write-back of a settled payment; every part is reversed. */
export async function reverseAfterWriteBackFailure(ctx: AppContext, billPaymentId: string): Promise<string> {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.billPaymentId, billPaymentId));
  if (!s) throw settlementNotFound();
  await beginReversal(ctx, s.id, 'settled', 'his_writeback_failed', {});
  return s.settlementNo;
}

/** Billing's hook: bills whose money is partly insurance's (secondary settlement) are refunded at the counter. */
export async function refuseRefundOfInsuredBills(ctx: AppContext, rows: { id: string; billNo: string }[]) {
  if (!rows.length) return;
  const live = await ctx.db
    .select({ billIds: insuranceSettlements.billIds })
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.kind, 'secondary'),
        inArray(insuranceSettlements.state, LIVE_STATES),
        sql`${insuranceSettlements.billIds} && ${sql.param(rows.map((r) => r.id))}::text[]`,
      ),
    );
  const taken = new Set(live.flatMap((s) => s.billIds));
  const hit = rows.find((r) => taken.has(r.id));
  if (hit) throw refusedAtCounter('INSURANCE_SECONDARY_SETTLED', hit.billNo, '该单据已医保二次结算');
}

/**
 * The minute sweep: reversals and refunds due for another try, settle calls a crash interrupted,
 * cash orders that closed without telling us, and pre-settlements that ran out.
 */
export async function insuranceSweep(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({
      id: insuranceSettlements.id,
      state: insuranceSettlements.state,
      kind: insuranceSettlements.kind,
    })
    .from(insuranceSettlements)
    .where(
      and(
        inArray(insuranceSettlements.state, ['reversing', 'refunding']),
        lte(insuranceSettlements.nextAttemptAt, now),
      ),
    )
    .limit(100);
  for (const d of due) {
    try {
      if (d.state === 'reversing') await runReversal(ctx, d.id);
      else await runRefund(ctx, d.id);
    } catch (err) {
      ctx.log.error({ err, settlementId: d.id }, 'insurance reversal/refund pass failed');
    }
  }
  const stale = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.state, 'settling'),
        lt(insuranceSettlements.updatedAt, new Date(now.getTime() - STALE_SETTLING_MS)),
      ),
    )
    .limit(100);
  for (const s of stale) {
    // A registration booked by this settlement before the crash keeps it.
    if (s.registrationId) {
      const reg = await loadRegistration(ctx.db, s.registrationId).catch(() => undefined);
      if (reg?.insuranceSettlementNo === s.settlementNo) {
        await move(ctx, s.id, 'settling', 'settled', { insuranceState: 'settled', settledAt: now });
        continue;
      }
    }
    await beginReversal(ctx, s.id, 'settling', 'settle_interrupted', {
      insuranceState: s.insuranceState === 'none' ? 'unknown' : s.insuranceState,
    }).catch((err) => ctx.log.error({ err, settlementId: s.id }, 'insurance reversal failed'));
  }
  const waiting = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(and(eq(insuranceSettlements.state, 'cash_pending'), isNotNull(insuranceSettlements.cashOrderId)))
    .limit(200);
  for (const s of waiting) {
    if (s.kind === 'secondary') {
      await finishSecondary(ctx, s.id).catch((err) =>
        ctx.log.error({ err, settlementId: s.id }, 'secondary settlement refunds failed'),
      );
      continue;
    }
    const order = await getPaymentOrder(ctx, s.cashOrderId!);
    if (order?.state === 'closed')
      await beginReversal(ctx, s.id, 'cash_pending', 'cash_not_paid', {}).catch((err) =>
        ctx.log.error({ err, settlementId: s.id }, 'insurance reversal failed'),
      );
  }
  await ctx.db
    .update(insuranceSettlements)
    .set({ state: 'expired', closedAt: now, updatedAt: now })
    .where(and(eq(insuranceSettlements.state, 'pre_settled'), lte(insuranceSettlements.preExpiresAt, now)));
}

// ---------------------------------------------------------------------------------------------
// Secondary settlement (INS-15)
// ---------------------------------------------------------------------------------------------

export type SecondaryIneligibility =
  | 'NOT_PAID'
  | 'NOT_MOBILE_PAID'
  | 'NOT_CONFIRMED'
  | 'INVOICE_PRINTED'
  | 'REFUNDED'
  | 'WINDOW_PASSED'
  | 'ALREADY_SETTLED';

/**
 * 002 1.2.4: only bills paid by phone (cash, no insurance), confirmed by the HIS, with no printed
 * invoice, not refunded, and paid within INSURANCE_SECONDARY_DAYS hospital days qualify.
 */
export async function secondaryEligibility(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const insured = await credentialOf(ctx, p).then(
    () => true,
    () => false,
  );
  const paid = await listBills(ctx, accountId, patientId, 'all');
  const candidates = paid.filter((b) => b.state !== 'pending');
  if (!candidates.length) return { insured, items: [] };
  const detailed = await billsForSettlement(
    ctx,
    p,
    candidates.map((b) => b.id),
  );
  const reasons = await ineligibility(ctx, detailed);
  return {
    insured,
    items: candidates.map((b) => ({
      id: b.id,
      billNo: b.billNo,
      title: b.title,
      kind: b.kind,
      amountFen: b.amountFen,
      paidAt: b.paidAt,
      eligible: !reasons.get(b.id),
      reason: reasons.get(b.id) ?? null,
    })),
  };
}

/**
 * INS-15: settles bills already paid in cash with insurance in one go; the reimbursed part (fund
 * and personal account) goes back to each bill's original cash payment.
 */
export async function secondarySettle(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; billIds: string[]; useAccount: boolean },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  const c = await credentialOf(ctx, p).catch(() => {
    throw notAuthorised();
  });
  const token = tokenOf(ctx, c);
  const bills = await billsForSettlement(ctx, p, input.billIds);
  if (bills.some((b) => !sameName(b.visitPatientName, c.holderName))) throw nameMismatch();
  const now = ctx.clock.now();
  const id = newId();
  const settlementNo = await nextBusinessNumber(ctx.db, ctx.clock, 'YB');
  const totalFen = bills.reduce((s, b) => s + b.bill.amountFen, 0);
  // The credential row serialises one patient's secondary settlements, so a bill is settled once.
  await ctx.db.transaction(async (tx) => {
    await tx.select().from(insuranceCredentials).where(eq(insuranceCredentials.id, c.id)).for('update');
    const reasons = await ineligibility(ctx, bills, tx);
    for (const b of bills) {
      const reason = reasons.get(b.bill.id);
      if (reason)
        throw conflict(
          'SECONDARY_SETTLEMENT_NOT_ELIGIBLE',
          '所选单据不符合医保二次结算条件',
          `Bill ${b.bill.billNo} does not qualify for secondary settlement: ${reason}`,
          { billNo: b.bill.billNo, reason },
        );
    }
    await tx.insert(insuranceSettlements).values({
      id,
      settlementNo,
      kind: 'secondary',
      accountId,
      patientId: p.id,
      credentialId: c.id,
      billIds: bills.map((b) => b.bill.id),
      useAccount: input.useAccount,
      totalFen,
      fundFen: 0,
      accountFen: 0,
      cashFen: totalFen,
      state: 'settling',
      preExpiresAt: now,
      createdAt: now,
      updatedAt: now,
    });
  });
  let split: SettlementSplit;
  try {
    split = await ctx.adapters.insurance.settle(ctx, {
      ecToken: token,
      settlementNo,
      useAccount: input.useAccount,
      items: itemsOf(bills),
    });
  } catch (err) {
    if (err instanceof InsuranceError && !err.retryable) {
      await move(ctx, id, 'settling', 'failed', { lastError: errorText(err), closedAt: now });
      throw conflict(
        'INSURANCE_SETTLEMENT_REFUSED',
        '医保平台拒绝了本次结算',
        'The insurance platform refused the settlement',
        { reason: err.code },
      );
    }
    await beginReversal(ctx, id, 'settling', 'insurance_unanswered', {
      insuranceState: 'unknown',
      lastError: errorText(err),
    });
    throw unavailable();
  }
  await ctx.db.transaction(async (tx) => {
    await tx.insert(insuranceSettlementBills).values(billSplits(id, bills, split));
    await tx
      .update(insuranceSettlements)
      .set({
        fundFen: split.fundFen,
        accountFen: split.accountFen,
        cashFen: split.cashFen,
        insuranceState: 'settled',
        state: 'cash_pending',
        // the bills' own cash orders receive the reimbursement; the first one marks the state
        cashOrderId: bills[0].payment!.orderId,
        cashPaid: true,
        updatedAt: ctx.clock.now(),
      })
      .where(and(eq(insuranceSettlements.id, id), eq(insuranceSettlements.state, 'settling')));
  });
  await finishSecondary(ctx, id);
  return settlementView(ctx, await settlementRow(ctx, id));
}

/** Refunds each cash payment its bills' reimbursed part (idempotent per order), then settled. */
async function finishSecondary(ctx: AppContext, settlementId: string) {
  const s = await settlementRow(ctx, settlementId);
  if (s.state !== 'cash_pending' || s.kind !== 'secondary') return;
  const parts = await ctx.db
    .select()
    .from(insuranceSettlementBills)
    .where(eq(insuranceSettlementBills.settlementId, s.id));
  const p = await getPatientById(ctx, s.patientId);
  const bills = await billsForSettlement(ctx, p, s.billIds);
  const byOrder = new Map<string, number>();
  for (const b of bills) {
    const part = parts.find((x) => x.billId === b.bill.id)!;
    const orderId = b.payment!.orderId!;
    byOrder.set(orderId, (byOrder.get(orderId) ?? 0) + part.fundFen + part.accountFen);
  }
  const refundIds: string[] = [];
  try {
    for (const [orderId, amountFen] of byOrder) {
      if (amountFen <= 0) continue;
      const r = await requestRefund(ctx, {
        orderId,
        amountFen,
        reason: `医保二次结算 ${s.settlementNo}，报销部分原路退回 / insurance reimbursement`,
        refundKey: `insurance-secondary:${s.id}:${orderId}`,
        requestedBy: 'system',
      });
      refundIds.push(r.id);
    }
  } catch (err) {
    await noteFailure(ctx, s, err);
    return;
  }
  const now = ctx.clock.now();
  const settled = await move(ctx, s.id, 'cash_pending', 'settled', {
    cashRefundIds: refundIds,
    settledAt: now,
    lastError: null,
  });
  if (settled) await tell(ctx, settled, 'insurance.settled');
}

async function ineligibility(
  ctx: AppContext,
  bills: Awaited<ReturnType<typeof billsForSettlement>>,
  db: DbOrTx = ctx.db,
) {
  const ids = bills.map((b) => b.bill.id);
  const live = ids.length
    ? await db
        .select({ billIds: insuranceSettlements.billIds })
        .from(insuranceSettlements)
        .where(
          and(
            inArray(insuranceSettlements.state, LIVE_STATES),
            sql`${insuranceSettlements.billIds} && ${sql.param(ids)}::text[]`,
          ),
        )
    : [];
  const settled = new Set(live.flatMap((s) => s.billIds));
  const today = ctx.clock.today();
  const out = new Map<string, SecondaryIneligibility>();
  for (const { bill: b, payment } of bills) {
    let reason: SecondaryIneligibility | undefined;
    if (b.state === 'refunded') reason = 'REFUNDED';
    else if (b.state === 'pending' || !payment || !b.paidAt) reason = 'NOT_PAID';
    else if (!payment.orderId || payment.settlementNo) reason = 'NOT_MOBILE_PAID';
    else if (settled.has(b.id)) reason = 'ALREADY_SETTLED';
    else if (b.state !== 'confirmed') reason = 'NOT_CONFIRMED';
    else if (b.invoiced) reason = 'INVOICE_PRINTED';
    else {
      const days = Math.round(
        (Date.parse(today) - Date.parse(hospitalDay(b.paidAt, ctx.config.HOSPITAL_TIMEZONE))) / 86_400_000,
      );
      if (days >= ctx.config.INSURANCE_SECONDARY_DAYS) reason = 'WINDOW_PASSED';
    }
    if (reason) out.set(b.id, reason);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Registration fee from the personal account (INS-09)
// ---------------------------------------------------------------------------------------------

const REGISTRATION_FEE_ITEM = { code: 'GHF', name: '挂号费' };

/**
 * INS-09: pays a locked registration's fee entirely from the personal account (the pooled fund
 * pays nothing towards registration). The platform settles first; if the registration can no longer
 * be booked the settlement is cancelled. A repeated request answers the same settlement.
 */
export async function payRegistrationFromAccount(ctx: AppContext, accountId: string, registrationId: string) {
  const reg = await ownRegistration(ctx, accountId, registrationId);
  if (!reg.patientId) throw settlementNotFound();
  const p = await getPatientForRecords(ctx, accountId, reg.patientId);
  const prior = await liveRegistrationSettlement(ctx, reg.id);
  if (prior) return settlementView(ctx, prior);
  const now = ctx.clock.now();
  if (reg.state !== 'locked' || !reg.lockExpiresAt || reg.lockExpiresAt <= now || reg.feeFen <= 0)
    throw conflict(
      'REGISTRATION_NOT_PAYABLE',
      '该挂号当前不能支付（已支付、已取消或锁号已超时）',
      'This registration cannot be paid now',
      { state: reg.state },
    );
  const c = await credentialOf(ctx, p).catch(() => {
    throw notAuthorised();
  });
  const token = tokenOf(ctx, c);
  const settlementNo = await nextBusinessNumber(ctx.db, ctx.clock, 'YB');
  const request = {
    ecToken: token,
    settlementNo,
    useAccount: true,
    fundEligible: false,
    items: [{ billNo: reg.id, ...REGISTRATION_FEE_ITEM, amountFen: reg.feeFen }],
  };
  const pre = await platformCall(() => ctx.adapters.insurance.preSettle(ctx, request));
  if (pre.cashFen > 0) throw balanceInsufficient(pre.accountFen);
  const id = newId();
  const inserted = await ctx.db
    .insert(insuranceSettlements)
    .values({
      id,
      settlementNo,
      kind: 'registration',
      accountId,
      patientId: p.id,
      credentialId: c.id,
      billIds: [],
      registrationId: reg.id,
      useAccount: true,
      totalFen: reg.feeFen,
      fundFen: 0,
      accountFen: reg.feeFen,
      cashFen: 0,
      state: 'settling',
      preExpiresAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!inserted.length) {
    const raced = await liveRegistrationSettlement(ctx, reg.id);
    if (raced) return settlementView(ctx, raced);
    throw conflict(
      'INSURANCE_SETTLEMENT_CHANGED',
      '结算状态已变化，请刷新',
      'The settlement changed; reload it',
    );
  }
  let split: SettlementSplit;
  try {
    split = await ctx.adapters.insurance.settle(ctx, request);
  } catch (err) {
    if (err instanceof InsuranceError && !err.retryable) {
      await move(ctx, id, 'settling', 'failed', { lastError: errorText(err), closedAt: now });
      throw conflict(
        'INSURANCE_SETTLEMENT_REFUSED',
        '医保平台拒绝了本次结算，未产生扣费',
        'The insurance platform refused the settlement; nothing was charged',
        { reason: err.code },
      );
    }
    await beginReversal(ctx, id, 'settling', 'insurance_unanswered', {
      insuranceState: 'unknown',
      lastError: errorText(err),
    });
    throw unavailable();
  }
  // only while still settling: if the stuck-settlement sweep took it over meanwhile, its outcome stands
  // and the patient is told the settlement changed
  await patch(ctx, id, 'settling', { insuranceState: 'settled' });
  // The balance moved between the two calls: nothing is half paid, the settlement is cancelled.
  if (split.cashFen > 0) {
    await beginReversal(ctx, id, 'settling', 'balance_insufficient', {});
    throw balanceInsufficient(split.accountFen);
  }
  const booked = await confirmRegistrationPaidByInsurance(ctx, reg.id, settlementNo);
  if (!booked) {
    await beginReversal(ctx, id, 'settling', 'registration_not_payable', {});
    throw conflict(
      'REGISTRATION_NOT_PAYABLE',
      '该挂号当前不能支付（已支付、已取消或锁号已超时），医保个账扣款已撤销',
      'This registration cannot be paid now; the personal-account payment was cancelled',
    );
  }
  const settled = await move(ctx, id, 'settling', 'settled', { settledAt: ctx.clock.now() });
  if (settled) await tell(ctx, settled, 'insurance.settled');
  // The registration's cash order can no longer be used (a late payment of it is refunded anyway).
  if (reg.paymentOrderId)
    await closePaymentOrder(ctx, reg.paymentOrderId, 'paid from the insurance personal account').catch(
      (err) =>
        ctx.log.warn({ err, registrationId: reg.id }, 'cash order of an insured registration not closed'),
    );
  return settlementView(ctx, await settlementRow(ctx, id));
}

/**
 * Registration's refunder (INS-09): a cancelled registration's fee goes back to the personal account.
 * Throws while the platform has not refunded it, so registration's retry asks again later.
 */
export async function refundRegistrationFee(ctx: AppContext, reg: Registration, requestedBy: string) {
  const s = await liveRegistrationSettlement(ctx, reg.id);
  if (!s) throw settlementNotFound();
  if (s.state === 'settled')
    await move(ctx, s.id, 'settled', 'refunding', {
      requestedBy,
      reason: 'registration_cancelled',
      nextAttemptAt: ctx.clock.now(),
    });
  await runRefund(ctx, s.id);
  const after = await settlementRow(ctx, s.id);
  if (after.state !== 'refunded') throw unavailable();
  return { id: after.id, state: 'succeeded' as const };
}

async function liveRegistrationSettlement(ctx: AppContext, registrationId: string) {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.registrationId, registrationId),
        inArray(insuranceSettlements.state, ['settling', 'settled', 'reversing', 'refunding', 'refunded']),
      ),
    );
  return s;
}

const balanceInsufficient = (availableFen: number) =>
  conflict(
    'INSURANCE_BALANCE_INSUFFICIENT',
    '医保个人账户余额不足，请使用其他方式支付',
    'The personal account balance does not cover the fee; pay another way',
    { availableFen },
  );

// ---------------------------------------------------------------------------------------------
// Reading settlements (INS-12) — patient and finance
// ---------------------------------------------------------------------------------------------

export async function listMySettlements(ctx: AppContext, accountId: string) {
  const rows = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.accountId, accountId))
    .orderBy(desc(insuranceSettlements.createdAt))
    .limit(200);
  const visible: SettlementRow[] = [];
  for (const r of rows)
    if (await getPatientForRecords(ctx, accountId, r.patientId).catch(() => undefined)) visible.push(r);
  return Promise.all(visible.map((r) => settlementView(ctx, r, { withBills: false })));
}

/** INS-12: my settlement with the insurance platform's own answer about it (null while it cannot be asked). */
export async function getMySettlement(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  const platform =
    s.state === 'pre_settled' || s.state === 'expired'
      ? null
      : await ctx.adapters.insurance.query(ctx, s.settlementNo).catch(() => null);
  return { ...(await settlementView(ctx, s)), platform };
}

export interface StaffSettlementFilter {
  state?: InsuranceSettlementState;
  kind?: InsuranceSettlementKind;
  settlementNo?: string;
  from?: string;
  to?: string;
  limit: number;
}

/** Finance: settlements with filters (hospital days from/to inclusive), newest first. */
export async function listSettlementsForStaff(ctx: AppContext, f: StaffSettlementFilter) {
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const conds: SQL[] = [];
  if (f.state) conds.push(eq(insuranceSettlements.state, f.state));
  if (f.kind) conds.push(eq(insuranceSettlements.kind, f.kind));
  if (f.settlementNo) conds.push(eq(insuranceSettlements.settlementNo, f.settlementNo));
  if (f.from) conds.push(gte(insuranceSettlements.createdAt, hospitalTime(f.from, '00:00', tz)));
  if (f.to)
    conds.push(
      lt(insuranceSettlements.createdAt, new Date(hospitalTime(f.to, '00:00', tz).getTime() + 86_400_000)),
    );
  conds.push(notInArray(insuranceSettlements.state, ['pre_settled', 'expired']));
  const rows = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(and(...conds))
    .orderBy(desc(insuranceSettlements.createdAt))
    .limit(f.limit);
  const out = [];
  for (const r of rows) {
    const patient = await getPatientById(ctx, r.patientId).catch(() => undefined);
    out.push({
      ...(await settlementView(ctx, r, { withBills: false })),
      patientName: maskName(patient?.name ?? ''),
    });
  }
  return out;
}

/** Finance: one settlement with its bills and the insurance platform's own record of it (INS-12). */
export async function getSettlementForStaff(ctx: AppContext, settlementId: string) {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.id, settlementId));
  if (!s) throw settlementNotFound();
  const platform = await ctx.adapters.insurance.query(ctx, s.settlementNo).catch(() => undefined);
  const patient = await getPatientById(ctx, s.patientId).catch(() => undefined);
  return {
    ...(await settlementView(ctx, s)),
    patientName: maskName(patient?.name ?? ''),
    lastError: s.lastError,
    attempts: s.attempts,
    requestedBy: s.requestedBy,
    platform: platform ?? null,
  };
}

/**
 * INS-10/11 at the window: finance cancels an unpaid settlement, or refunds a settled one after
 * the patient authorised it (the online time window does not apply; execution and invoices do).
 */
export async function staffCancelSettlement(
  ctx: AppContext,
  staffId: string,
  settlementId: string,
  reason: string,
) {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.id, settlementId));
  if (!s) throw settlementNotFound();
  if (s.state === 'settled' || s.state === 'refunding' || s.state === 'refunded')
    await startRefund(ctx, s, { requestedBy: `staff:${staffId}`, ignoreWindow: true, reason });
  else await cancelUnpaid(ctx, s, reason, `staff:${staffId}`);
  return getSettlementForStaff(ctx, s.id);
}

/** The sandbox credential page: an authorisation code for the patient's own identity (demo only). */
export async function sandboxAuthCode(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const sandbox = ctx.adapters.insurance as {
    issueAuthCode?: (x: { name: string; idNumber: string }) => string;
  };
  if (!sandbox.issueAuthCode) throw credentialNotFound();
  return { authCode: sandbox.issueAuthCode({ name: p.name, idNumber: p.idNumber }) };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function settlementView(ctx: AppContext, s: SettlementRow, opts: { withBills?: boolean } = {}) {
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

async function settlementRow(ctx: AppContext, id: string): Promise<SettlementRow> {
  const [s] = await ctx.db.select().from(insuranceSettlements).where(eq(insuranceSettlements.id, id));
  if (!s) throw settlementNotFound();
  return s;
}

/** Mine (and the patient's consent holds), or the same 404 as a missing settlement. */
async function ownSettlement(ctx: AppContext, accountId: string, id: string): Promise<SettlementRow> {
  const [s] = await ctx.db.select().from(insuranceSettlements).where(eq(insuranceSettlements.id, id));
  if (!s || s.accountId !== accountId) throw settlementNotFound();
  await getPatientForRecords(ctx, accountId, s.patientId).catch(() => {
    throw settlementNotFound();
  });
  return s;
}

/** A compare-and-set transition; answers the moved row or undefined when the state was not `from`. */
async function move(
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

async function patch(
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
async function tell(ctx: AppContext, s: SettlementRow, template: string) {
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

async function noteFailure(ctx: AppContext, s: SettlementRow, err: unknown) {
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

function gteExpiry(now: Date) {
  return sql`${insuranceSettlements.preExpiresAt} > ${now}`;
}

const preSettlementExpired = () =>
  conflict(
    'PRE_SETTLEMENT_EXPIRED',
    '预结算已过期，请重新预结算',
    'The pre-settlement expired; pre-settle again',
  );

function itemsOf(bills: Awaited<ReturnType<typeof billsForSettlement>>): InsuranceItem[] {
  return bills.flatMap((b) =>
    b.items.map((i) => ({ billNo: b.bill.billNo, code: i.code, name: i.name, amountFen: i.amountFen })),
  );
}

function billSplits(
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

function errorText(err: unknown) {
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
