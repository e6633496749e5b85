/** Response schemas of the inpatient module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { calendarDate } from './common.js';

export const Operation = z.object({
  code: z.string().optional(),
  name: z.string(),
  performedAt: z.string().optional(),
});
export type Operation = z.infer<typeof Operation>;

export const AdminInpatientDepositsListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      admissionId: z.string(),
      admissionNo: z.string(),
      ward: z.string(),
      bed: z.string().nullable(),
      patientName: z.string(),
      admissionState: z.enum(['admitted', 'discharged']),
      settlementState: z.enum(['none', 'open', 'settled', 'refunding', 'refunded']),
      amountFen: z.number(),
      state: z.enum(['pending', 'paid', 'closed']),
      channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
      orderNo: z.string().nullable(),
      orderId: z.string().nullable(),
      hisState: z.enum(['pending', 'confirmed', 'failed']),
      hisAttempts: z.number(),
      refundedFen: z.number(),
      paidAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminInpatientDepositsListResponse = z.infer<typeof AdminInpatientDepositsListResponse>;

export const AdminInpatientDepositsHisRetryPostResponse = z.object({
  id: z.string(),
  state: z.enum(['pending', 'paid', 'closed']),
  hisState: z.enum(['pending', 'confirmed', 'failed']),
  hisAttempts: z.number(),
});
export type AdminInpatientDepositsHisRetryPostResponse = z.infer<
  typeof AdminInpatientDepositsHisRetryPostResponse
>;

export const IntegrationV1HisAdmissionsPostResponse = z.object({
  admissionId: z.string(),
  admissionNo: z.string(),
  state: z.enum(['admitted', 'discharged']),
  patientResolved: z.boolean(),
});
export type IntegrationV1HisAdmissionsPostResponse = z.infer<typeof IntegrationV1HisAdmissionsPostResponse>;

export const IntegrationV1HisAdmissionsChargesPostResponse = z.object({
  admissionId: z.string(),
  accepted: z.number(),
  duplicates: z.number(),
  chargesFen: z.number(),
  balanceFen: z.number(),
});
export type IntegrationV1HisAdmissionsChargesPostResponse = z.infer<
  typeof IntegrationV1HisAdmissionsChargesPostResponse
>;

export const IntegrationV1HisAdmissionsDischargePostResponse = z.object({
  admissionId: z.string(),
  state: z.enum(['admitted', 'discharged']),
  settlementState: z.enum(['none', 'open', 'settled', 'refunding', 'refunded']),
  depositsFen: z.number(),
  totalCostFen: z.number().nullable(),
  differenceFen: z.number(),
});
export type IntegrationV1HisAdmissionsDischargePostResponse = z.infer<
  typeof IntegrationV1HisAdmissionsDischargePostResponse
>;

export const IntegrationV1HisAdmissionsSettlementReversalPostResponse = z.object({
  admissionId: z.string(),
  state: z.enum(['admitted', 'discharged']),
  settlementState: z.enum(['none', 'open', 'settled', 'refunding', 'refunded']),
  settlementGeneration: z.number(),
  depositsFen: z.number(),
  chargesFen: z.number(),
  balanceFen: z.number(),
  repeated: z.boolean(),
});
export type IntegrationV1HisAdmissionsSettlementReversalPostResponse = z.infer<
  typeof IntegrationV1HisAdmissionsSettlementReversalPostResponse
>;

/** One admission with its deposits and balance (bind, detail). */
export const AdmissionView = z.object({
  id: z.string(),
  admissionNo: z.string(),
  patientName: z.string(),
  ward: z.string(),
  bed: z.string().nullable(),
  attendingDoctor: z.string().nullable(),
  diagnoses: z.array(z.object({ code: z.string().optional(), name: z.string() })),
  operations: z.array(Operation),
  admittedAt: z.string(),
  dischargedAt: z.string().nullable(),
  state: z.enum(['admitted', 'discharged']),
  settlementState: z.enum(['none', 'open', 'settled', 'refunding', 'refunded']),
  depositsFen: z.number(),
  chargesFen: z.number(),
  totalCostFen: z.number().nullable(),
  balanceFen: z.number(),
});
export type AdmissionView = z.infer<typeof AdmissionView>;

export const AdmissionsBindPostResponse = AdmissionView;
export type AdmissionsBindPostResponse = z.infer<typeof AdmissionsBindPostResponse>;

export const AdmissionsListResponse = z.object({
  current: z.array(AdmissionView),
  past: z.array(AdmissionView),
});
export type AdmissionsListResponse = z.infer<typeof AdmissionsListResponse>;

export const AdmissionsGetResponse = AdmissionView;
export type AdmissionsGetResponse = z.infer<typeof AdmissionsGetResponse>;

export const AdmissionsDepositsPostResponse = z.object({
  deposit: z.object({
    id: z.string(),
    amountFen: z.number(),
    state: z.enum(['pending', 'paid', 'closed']),
    paymentOrderId: z.string().nullable(),
    paidAt: z.string().nullable(),
    hisState: z.enum(['pending', 'confirmed', 'failed']),
    refundedFen: z.number(),
    createdAt: z.string(),
  }),
  paymentOrder: z.object({
    id: z.string(),
    orderNo: z.string(),
    amountFen: z.number(),
    state: z.enum(['paid', 'closed', 'refunding', 'refunded', 'created', 'paying', 'partially_refunded']),
    expiresAt: z.string(),
  }),
});
export type AdmissionsDepositsPostResponse = z.infer<typeof AdmissionsDepositsPostResponse>;

export const AdmissionsDepositsListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      amountFen: z.number(),
      state: z.enum(['pending', 'paid', 'closed']),
      paymentOrderId: z.string().nullable(),
      paidAt: z.string().nullable(),
      hisState: z.enum(['pending', 'confirmed', 'failed']),
      refundedFen: z.number(),
      createdAt: z.string(),
    }),
  ),
  paidFen: z.number(),
});
export type AdmissionsDepositsListResponse = z.infer<typeof AdmissionsDepositsListResponse>;

export const AdmissionsDailyListsListResponse = z.object({
  admissionId: z.string(),
  date: z.string(),
  items: z.array(
    z.object({
      lineId: z.string(),
      itemCode: z.string().nullable(),
      itemName: z.string(),
      category: z.string().nullable(),
      quantity: z.number(),
      unit: z.string().nullable(),
      amountFen: z.number(),
    }),
  ),
  categories: z.array(z.object({ category: z.string(), amountFen: z.number() })),
  totalFen: z.number(),
  chargesToDateFen: z.number(),
  balanceFen: z.number(),
});
export type AdmissionsDailyListsListResponse = z.infer<typeof AdmissionsDailyListsListResponse>;

/** An admission's discharge settlement (detail, refund). */
export const DischargeSettlementView = z.object({
  admissionId: z.string(),
  state: z.enum(['admitted', 'discharged']),
  settlementState: z.enum(['none', 'open', 'settled', 'refunding', 'refunded']),
  depositsFen: z.number(),
  chargesFen: z.number(),
  differenceFen: z.number(),
  dueFen: z.number(),
  refundableFen: z.number(),
  refunds: z.array(
    z.object({
      depositId: z.string(),
      paymentOrderId: z.string(),
      amountFen: z.number(),
      refundId: z.string().nullable(),
      state: z.string(),
    }),
  ),
});
export type DischargeSettlementView = z.infer<typeof DischargeSettlementView>;

export const AdmissionsSettlementListResponse = DischargeSettlementView;
export type AdmissionsSettlementListResponse = z.infer<typeof AdmissionsSettlementListResponse>;

export const AdmissionsSettlementPayPostResponse = z.object({
  settlement: DischargeSettlementView,
  paymentOrder: z.object({
    id: z.string(),
    orderNo: z.string(),
    amountFen: z.number(),
    state: z.enum(['paid', 'closed', 'refunding', 'refunded', 'created', 'paying', 'partially_refunded']),
    expiresAt: z.string(),
  }),
});
export type AdmissionsSettlementPayPostResponse = z.infer<typeof AdmissionsSettlementPayPostResponse>;

export const AdmissionsSettlementRefundPostResponse = DischargeSettlementView;
export type AdmissionsSettlementRefundPostResponse = z.infer<typeof AdmissionsSettlementRefundPostResponse>;

// ------------------------------------------------------------ request schemas

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !v.includes('\u0000'), 'NUL characters are not allowed');

const id = z.string().uuid();

const ref = z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits and _ . : -');

const isoDate = calendarDate;

const instant = z.string().datetime({ offset: true });

const fen = z.number().int().min(0).max(1_000_000_000);

const coded = z.object({ code: text(32).optional(), name: text(100) }).strict();

export const InpatientAdmissionParams = z.object({ id }).strict();

export const InpatientAdmissionPushBody = z
  .object({
    admissionNo: ref,
    name: text(50),
    idNumber: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{8,20}$/)
      .optional(),
    visitCardNo: ref.optional(),
    ward: text(50),
    bed: text(20).optional(),
    attendingDoctor: text(50).optional(),
    diagnoses: z.array(coded).max(50).default([]),
    operations: z
      .array(
        z.object({ code: text(32).optional(), name: text(100), performedAt: instant.optional() }).strict(),
      )
      .max(50)
      .default([]),
    admittedAt: instant,
  })
  .strict();

export const InpatientChargesPushBody = z
  .object({
    lines: z
      .array(
        z
          .object({
            lineId: ref,
            date: isoDate,
            itemCode: ref.optional(),
            itemName: text(100),
            category: text(30).optional(),
            quantity: z.number().positive().max(1_000_000),
            unit: text(10).optional(),
            amountFen: z.number().int().min(-100_000_000).max(100_000_000),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict();

export const InpatientDischargePushBody = z.object({ dischargedAt: instant, totalCostFen: fen }).strict();

export const InpatientSettlementReversalPushBody = z.object({ reversalNo: ref, reason: text(200) }).strict();

/** POST /integration/v1/his/admissions/:admissionNo/charges: params. */
export const InpatientIntegrationHisAdmissionsChargesPostParams = z.object({ admissionNo: ref }).strict();

/** POST /integration/v1/his/admissions/:admissionNo/discharge: params. */
export const InpatientIntegrationHisAdmissionsDischargePostParams = z.object({ admissionNo: ref }).strict();

/** POST /integration/v1/his/admissions/:admissionNo/settlement-reversal: params. */
export const InpatientIntegrationHisAdmissionsSettlementReversalPostParams = z
  .object({ admissionNo: ref })
  .strict();

/** POST /v1/admissions/bind: body. */
export const InpatientAdmissionsBindPostBody = z
  .object({ patientId: id, admissionNo: ref, name: text(50) })
  .strict();

/** GET /v1/admissions: query. */
export const InpatientAdmissionsQuery = z.object({ patientId: id }).strict();

/** POST /v1/admissions/:id/deposits: body. */
export const InpatientAdmissionsDepositsPostBody = z
  .object({
    amountFen: z.number().int().positive().max(1_000_000_000),
    idempotencyKey: z.string().regex(/^[\w.:-]{8,100}$/, '8-100 of letters, digits and _ . : -'),
  })
  .strict();

/** GET /v1/admissions/:id/daily-lists: query. */
export const InpatientAdmissionsDailyListsQuery = z.object({ date: isoDate }).strict();

/** POST /v1/admissions/:id/settlement/pay: body. */
export const InpatientAdmissionsSettlementPayPostBody = z.object({}).strict().nullish();

/** POST /v1/admissions/:id/settlement/refund: body. */
export const InpatientAdmissionsSettlementRefundPostBody = z.object({}).strict().nullish();
