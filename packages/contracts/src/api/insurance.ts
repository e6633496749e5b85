/** Response schemas of the insurance module's routes (derived from what the handlers return). */
import { z } from 'zod';

/** A patient's insurance credential. */
export const InsuranceCredentialView = z.object({
  patientId: z.string(),
  holderName: z.string(),
  insuredNo: z.string(),
  insuranceType: z.enum(['employee', 'resident']),
  areaCode: z.string(),
  areaName: z.string(),
  state: z.enum(['active', 'revoked', 'expired']),
  socialCardNo: z.string().nullable(),
  socialCardBoundAt: z.string().nullable(),
  authorisedAt: z.string(),
  expiresAt: z.string(),
});
export type InsuranceCredentialView = z.infer<typeof InsuranceCredentialView>;

export const InsuranceCredentialsPostResponse = InsuranceCredentialView;
export type InsuranceCredentialsPostResponse = z.infer<typeof InsuranceCredentialsPostResponse>;

export const InsuranceCredentialsGetResponse = InsuranceCredentialView;
export type InsuranceCredentialsGetResponse = z.infer<typeof InsuranceCredentialsGetResponse>;

export const InsuranceCredentialsQrListResponse = z.object({ payload: z.string(), expiresAt: z.string() });
export type InsuranceCredentialsQrListResponse = z.infer<typeof InsuranceCredentialsQrListResponse>;

export const InsuranceCredentialsSocialCardPutResponse = InsuranceCredentialView;
export type InsuranceCredentialsSocialCardPutResponse = z.infer<
  typeof InsuranceCredentialsSocialCardPutResponse
>;

export const InsuranceCredentialsBalanceListResponse = z.object({ balanceFen: z.number(), at: z.string() });
export type InsuranceCredentialsBalanceListResponse = z.infer<typeof InsuranceCredentialsBalanceListResponse>;

export const InsuranceCredentialsConsumptionListResponse = z.object({
  items: z.array(
    z.object({
      at: z.string(),
      kind: z.enum(['settle', 'cancel', 'refund']),
      settlementNo: z.string(),
      fundFen: z.number(),
      accountFen: z.number(),
      institution: z.string(),
    }),
  ),
});
export type InsuranceCredentialsConsumptionListResponse = z.infer<
  typeof InsuranceCredentialsConsumptionListResponse
>;

export const InsuranceSandboxAuthCodePostResponse = z.object({ authCode: z.string() });
export type InsuranceSandboxAuthCodePostResponse = z.infer<typeof InsuranceSandboxAuthCodePostResponse>;

export const InsuranceBillsListResponse = z.object({
  authorised: z.boolean(),
  items: z.array(
    z.object({
      id: z.string(),
      billNo: z.string(),
      visitNo: z.string().nullable(),
      departmentName: z.string().nullable(),
      doctorName: z.string().nullable(),
      visitDate: z.string().nullable(),
      kind: z.enum(['exam', 'prescription', 'lab', 'treatment', 'other']),
      title: z.string(),
      amountFen: z.number(),
      state: z.enum(['pending', 'paid', 'refunded', 'confirmed']),
      inPayment: z.boolean(),
      paymentId: z.string().nullable(),
      execDepartment: z.string(),
      execLocation: z.string(),
      executionStatus: z.enum(['none', 'dispensed', 'performed']),
      executedAt: z.string().nullable(),
      invoiced: z.boolean(),
      hisReceiptNo: z.string().nullable(),
      scanCode: z.string(),
      billedAt: z.string(),
      paidAt: z.string().nullable(),
      refundedAt: z.string().nullable(),
      items: z.array(
        z.object({
          code: z.string(),
          name: z.string(),
          spec: z.string().nullable(),
          unit: z.string().nullable(),
          quantity: z.number(),
          unitPriceFen: z.number(),
          amountFen: z.number(),
        }),
      ),
    }),
  ),
});
export type InsuranceBillsListResponse = z.infer<typeof InsuranceBillsListResponse>;

/** One insurance settlement with its bills (pre-settle, settle, cancel, refund, secondary, registration). */
export const InsuranceSettlementView = z.object({
  id: z.string(),
  settlementNo: z.string(),
  kind: z.enum(['outpatient', 'secondary', 'registration']),
  patientId: z.string(),
  state: z.enum([
    'expired',
    'refunded',
    'pre_settled',
    'settling',
    'cash_pending',
    'settled',
    'failed',
    'reversing',
    'reversed',
    'refunding',
  ]),
  insuranceState: z.enum(['unknown', 'refunded', 'none', 'settled', 'cancelled']),
  billIds: z.array(z.string()),
  useAccount: z.boolean(),
  totalFen: z.number(),
  fundFen: z.number(),
  accountFen: z.number(),
  cashFen: z.number(),
  preExpiresAt: z.string(),
  cashOrderId: z.string().nullable(),
  cashOrderNo: z.string().nullable(),
  cashOrderState: z
    .enum(['paid', 'refunded', 'closed', 'refunding', 'created', 'paying', 'partially_refunded'])
    .nullable(),
  cashRefundIds: z.array(z.string()),
  reason: z.string().nullable(),
  settledAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  bills: z
    .array(
      z.object({
        billId: z.string(),
        billNo: z.string(),
        totalFen: z.number(),
        fundFen: z.number(),
        accountFen: z.number(),
        cashFen: z.number(),
      }),
    )
    .optional(),
});
export type InsuranceSettlementView = z.infer<typeof InsuranceSettlementView>;

export const InsurancePreSettlementsPostResponse = InsuranceSettlementView;
export type InsurancePreSettlementsPostResponse = z.infer<typeof InsurancePreSettlementsPostResponse>;

export const InsuranceSettlementsPostResponse = InsuranceSettlementView;
export type InsuranceSettlementsPostResponse = z.infer<typeof InsuranceSettlementsPostResponse>;

export const InsuranceSettlementsSettlePostResponse = InsuranceSettlementView;
export type InsuranceSettlementsSettlePostResponse = z.infer<typeof InsuranceSettlementsSettlePostResponse>;

export const InsuranceSettlementsListResponse = z.object({
  items: z.array(InsuranceSettlementView),
});
export type InsuranceSettlementsListResponse = z.infer<typeof InsuranceSettlementsListResponse>;

/** What the insurance platform itself says of a settlement (null where it was not asked). */
export const InsurancePlatformSettlement = z
  .object({
    state: z.enum(['refunded', 'settled', 'cancelled', 'not_found']),
    fundFen: z.number(),
    accountFen: z.number(),
    cashFen: z.number(),
  })
  .nullable();
export type InsurancePlatformSettlement = z.infer<typeof InsurancePlatformSettlement>;

export const InsuranceSettlementsGetResponse = z.object({
  platform: InsurancePlatformSettlement,
  ...InsuranceSettlementView.shape,
});
export type InsuranceSettlementsGetResponse = z.infer<typeof InsuranceSettlementsGetResponse>;

export const InsuranceSettlementsCancelPostResponse = InsuranceSettlementView;
export type InsuranceSettlementsCancelPostResponse = z.infer<typeof InsuranceSettlementsCancelPostResponse>;

export const InsuranceSettlementsRefundPostResponse = InsuranceSettlementView;
export type InsuranceSettlementsRefundPostResponse = z.infer<typeof InsuranceSettlementsRefundPostResponse>;

export const InsuranceSecondarySettlementBillsListResponse = z.object({
  insured: z.boolean(),
  items: z.array(
    z.object({
      id: z.string(),
      billNo: z.string(),
      title: z.string(),
      kind: z.enum(['exam', 'prescription', 'lab', 'treatment', 'other']),
      amountFen: z.number(),
      paidAt: z.string().nullable(),
      eligible: z.boolean(),
      reason: z
        .enum([
          'NOT_PAID',
          'NOT_MOBILE_PAID',
          'NOT_CONFIRMED',
          'INVOICE_PRINTED',
          'REFUNDED',
          'WINDOW_PASSED',
          'ALREADY_SETTLED',
        ])
        .nullable(),
    }),
  ),
});
export type InsuranceSecondarySettlementBillsListResponse = z.infer<
  typeof InsuranceSecondarySettlementBillsListResponse
>;

export const InsuranceSecondarySettlementsPostResponse = InsuranceSettlementView;
export type InsuranceSecondarySettlementsPostResponse = z.infer<
  typeof InsuranceSecondarySettlementsPostResponse
>;

export const InsuranceRegistrationPaymentsPostResponse = InsuranceSettlementView;
export type InsuranceRegistrationPaymentsPostResponse = z.infer<
  typeof InsuranceRegistrationPaymentsPostResponse
>;

export const AdminInsuranceSettlementsListResponse = z.object({
  items: z.array(z.object({ patientName: z.string(), ...InsuranceSettlementView.shape })),
});
export type AdminInsuranceSettlementsListResponse = z.infer<typeof AdminInsuranceSettlementsListResponse>;

/** One insurance settlement as the console sees it. */
export const AdminInsuranceSettlementView = z.object({
  patientName: z.string(),
  lastError: z.string().nullable(),
  attempts: z.number(),
  requestedBy: z.string().nullable(),
  platform: InsurancePlatformSettlement,
  ...InsuranceSettlementView.shape,
});
export type AdminInsuranceSettlementView = z.infer<typeof AdminInsuranceSettlementView>;

export const AdminInsuranceSettlementsGetResponse = AdminInsuranceSettlementView;
export type AdminInsuranceSettlementsGetResponse = z.infer<typeof AdminInsuranceSettlementsGetResponse>;

export const AdminInsuranceSettlementsCancelPostResponse = AdminInsuranceSettlementView;
export type AdminInsuranceSettlementsCancelPostResponse = z.infer<
  typeof AdminInsuranceSettlementsCancelPostResponse
>;
