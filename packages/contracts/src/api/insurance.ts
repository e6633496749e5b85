/** Response schemas of the insurance module's routes (derived from what the handlers return). */
import { z } from 'zod';

export const InsuranceCredentialsPostResponse = z.object({
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
export type InsuranceCredentialsPostResponse = z.infer<typeof InsuranceCredentialsPostResponse>;

export const InsuranceCredentialsGetResponse = z.object({
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
export type InsuranceCredentialsGetResponse = z.infer<typeof InsuranceCredentialsGetResponse>;

export const InsuranceCredentialsQrListResponse = z.object({ payload: z.string(), expiresAt: z.string() });
export type InsuranceCredentialsQrListResponse = z.infer<typeof InsuranceCredentialsQrListResponse>;

export const InsuranceCredentialsSocialCardPutResponse = z.object({
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

export const InsurancePreSettlementsPostResponse = z.object({
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
export type InsurancePreSettlementsPostResponse = z.infer<typeof InsurancePreSettlementsPostResponse>;

export const InsuranceSettlementsPostResponse = z.object({
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
export type InsuranceSettlementsPostResponse = z.infer<typeof InsuranceSettlementsPostResponse>;

export const InsuranceSettlementsSettlePostResponse = z.object({
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
export type InsuranceSettlementsSettlePostResponse = z.infer<typeof InsuranceSettlementsSettlePostResponse>;

export const InsuranceSettlementsListResponse = z.object({
  items: z.array(
    z.object({
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
    }),
  ),
});
export type InsuranceSettlementsListResponse = z.infer<typeof InsuranceSettlementsListResponse>;

export const InsuranceSettlementsGetResponse = z.object({
  platform: z
    .object({
      state: z.enum(['refunded', 'settled', 'cancelled', 'not_found']),
      fundFen: z.number(),
      accountFen: z.number(),
      cashFen: z.number(),
    })
    .nullable(),
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
export type InsuranceSettlementsGetResponse = z.infer<typeof InsuranceSettlementsGetResponse>;

export const InsuranceSettlementsCancelPostResponse = z.object({
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
export type InsuranceSettlementsCancelPostResponse = z.infer<typeof InsuranceSettlementsCancelPostResponse>;

export const InsuranceSettlementsRefundPostResponse = z.object({
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

export const InsuranceSecondarySettlementsPostResponse = z.object({
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
export type InsuranceSecondarySettlementsPostResponse = z.infer<
  typeof InsuranceSecondarySettlementsPostResponse
>;

export const InsuranceRegistrationPaymentsPostResponse = z.object({
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
export type InsuranceRegistrationPaymentsPostResponse = z.infer<
  typeof InsuranceRegistrationPaymentsPostResponse
>;

export const AdminInsuranceSettlementsListResponse = z.object({
  items: z.array(
    z.object({
      patientName: z.string(),
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
    }),
  ),
});
export type AdminInsuranceSettlementsListResponse = z.infer<typeof AdminInsuranceSettlementsListResponse>;

export const AdminInsuranceSettlementsGetResponse = z.object({
  patientName: z.string(),
  lastError: z.string().nullable(),
  attempts: z.number(),
  requestedBy: z.string().nullable(),
  platform: z
    .object({
      state: z.enum(['refunded', 'settled', 'cancelled', 'not_found']),
      fundFen: z.number(),
      accountFen: z.number(),
      cashFen: z.number(),
    })
    .nullable(),
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
export type AdminInsuranceSettlementsGetResponse = z.infer<typeof AdminInsuranceSettlementsGetResponse>;

export const AdminInsuranceSettlementsCancelPostResponse = z.object({
  patientName: z.string(),
  lastError: z.string().nullable(),
  attempts: z.number(),
  requestedBy: z.string().nullable(),
  platform: z
    .object({
      state: z.enum(['refunded', 'settled', 'cancelled', 'not_found']),
      fundFen: z.number(),
      accountFen: z.number(),
      cashFen: z.number(),
    })
    .nullable(),
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
export type AdminInsuranceSettlementsCancelPostResponse = z.infer<
  typeof AdminInsuranceSettlementsCancelPostResponse
>;
