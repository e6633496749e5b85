/** Response schemas of the billing module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { REPORT_KINDS } from './reports.js';
import { externalNo, id, isoDate, text } from './common.js';

/** One visit as its patient's list shows it, with what to do next. */
export const VisitSummary = z.object({
  id: z.string(),
  visitNo: z.string(),
  visitDate: z.string(),
  departmentName: z.string().nullable(),
  doctorName: z.string().nullable(),
  bills: z.number(),
  totalFen: z.number(),
  pendingFen: z.number(),
  nextSteps: z.array(
    z.union([
      z.object({
        kind: z.literal('collect_drugs'),
        billNo: z.string(),
        title: z.string(),
        department: z.string(),
        location: z.string(),
      }),
      z.object({
        kind: z.literal('go_to'),
        billNo: z.string(),
        title: z.string(),
        department: z.string(),
        location: z.string(),
      }),
      z.object({ kind: z.literal('pay'), bills: z.number(), amountFen: z.number() }),
      z.object({ kind: z.literal('done') }),
    ]),
  ),
  prescriptions: z.number(),
  reports: z.number(),
});
export type VisitSummary = z.infer<typeof VisitSummary>;

export const VisitsListResponse = z.object({
  items: z.array(VisitSummary),
});
export type VisitsListResponse = z.infer<typeof VisitsListResponse>;

export const VisitsGetResponse = z.object({
  patientId: z.string(),
  overview: z.object({
    prescriptions: z.array(
      z.object({
        id: z.string(),
        hisRxNo: z.string(),
        state: z.enum([
          'dispensed',
          'pending_upload',
          'circulating',
          'dispatched',
          'at_hospital',
          'rejected',
          'upload_failed',
          'revoked',
          'expired',
        ]),
        issuedAt: z.string(),
        departmentName: z.string(),
        doctorName: z.string(),
        itemCount: z.number(),
        totalFen: z.number(),
        drugs: z.array(z.string()),
      }),
    ),
    reports: z.array(
      z.object({
        id: z.string(),
        reportNo: z.string(),
        kind: z.enum(REPORT_KINDS),
        title: z.string(),
        department: z.string().nullable(),
        status: z.enum(['partial', 'pending', 'final']),
        reportedAt: z.string().nullable(),
      }),
    ),
  }),
  items: z.array(
    z.object({
      id: z.string(),
      billNo: z.string(),
      kind: z.enum(['prescription', 'lab', 'exam', 'treatment', 'other']),
      title: z.string(),
      amountFen: z.number(),
      state: z.enum(['pending', 'paid', 'confirmed', 'refunded']),
      executionStatus: z.enum(['none', 'dispensed', 'performed']),
      execDepartment: z.string(),
      execLocation: z.string(),
      lines: z.array(
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
  ...VisitSummary.shape,
});
export type VisitsGetResponse = z.infer<typeof VisitsGetResponse>;

export const PatientsGuideCodePostResponse = z.object({
  code: z.string(),
  expiresAt: z.string(),
  visitCardNo: z.string().nullable(),
});
export type PatientsGuideCodePostResponse = z.infer<typeof PatientsGuideCodePostResponse>;

export const StaffExecutionScanPostResponse = z.object({
  patient: z.object({
    id: z.string(),
    name: z.string(),
    gender: z.enum(['male', 'female']),
    birthDate: z.string(),
    visitCardNo: z.string().nullable(),
  }),
  bills: z.array(
    z.object({
      id: z.string(),
      billNo: z.string(),
      kind: z.enum(['prescription', 'lab', 'exam', 'treatment', 'other']),
      title: z.string(),
      amountFen: z.number(),
      paid: z.boolean(),
      state: z.enum(['pending', 'paid', 'confirmed', 'refunded']),
      executionStatus: z.enum(['none', 'dispensed', 'performed']),
      executedAt: z.string().nullable(),
      execDepartment: z.string(),
      execLocation: z.string(),
    }),
  ),
});
export type StaffExecutionScanPostResponse = z.infer<typeof StaffExecutionScanPostResponse>;

export const StaffExecutionBillsExecutePostResponse = z.object({
  alreadyExecuted: z.boolean(),
  id: z.string(),
  billNo: z.string(),
  kind: z.enum(['prescription', 'lab', 'exam', 'treatment', 'other']),
  title: z.string(),
  amountFen: z.number(),
  paid: z.boolean(),
  state: z.enum(['pending', 'paid', 'confirmed', 'refunded']),
  executionStatus: z.enum(['none', 'dispensed', 'performed']),
  executedAt: z.string().nullable(),
  execDepartment: z.string(),
  execLocation: z.string(),
});
export type StaffExecutionBillsExecutePostResponse = z.infer<typeof StaffExecutionBillsExecutePostResponse>;

export const PatientsMedicationsListResponse = z.object({
  items: z.array(
    z.union([
      z.object({
        source: z.enum(['retail_pharmacy', 'hospital_pharmacy']),
        name: z.string(),
        spec: z.string(),
        unit: z.string(),
        quantity: z.number(),
        usage: z.string().nullable(),
        date: z.string(),
        dispensed: z.boolean(),
        visitNo: z.string().nullable(),
        pharmacyName: z.string().nullable(),
        prescriptionId: z.string(),
        billId: z.string().nullable(),
      }),
      z.object({
        source: z.literal('hospital_pharmacy'),
        name: z.string(),
        spec: z.string().nullable(),
        unit: z.string().nullable(),
        quantity: z.number(),
        usage: z.string().nullable(),
        date: z.string(),
        dispensed: z.boolean(),
        visitNo: z.string().nullable(),
        pharmacyName: z.string(),
        prescriptionId: z.string().nullable(),
        billId: z.string().nullable(),
      }),
    ]),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type PatientsMedicationsListResponse = z.infer<typeof PatientsMedicationsListResponse>;

/** One bill as the console's list shows it. */
export const AdminBillSummary = z.object({
  id: z.string(),
  billNo: z.string(),
  visitNo: z.string().nullable(),
  visitDate: z.string().nullable(),
  patientName: z.string().nullable(),
  departmentName: z.string().nullable(),
  doctorName: z.string().nullable(),
  kind: z.enum(['prescription', 'lab', 'exam', 'treatment', 'other']),
  title: z.string(),
  amountFen: z.number(),
  state: z.enum(['pending', 'paid', 'confirmed', 'refunded']),
  executionStatus: z.enum(['none', 'dispensed', 'performed']),
  invoiced: z.boolean(),
  hisReceiptNo: z.string().nullable(),
  billedAt: z.string(),
  paidAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
});
export type AdminBillSummary = z.infer<typeof AdminBillSummary>;

export const AdminBillsListResponse = z.object({
  items: z.array(AdminBillSummary),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminBillsListResponse = z.infer<typeof AdminBillsListResponse>;

export const AdminBillsGetResponse = z.object({
  execDepartment: z.string(),
  execLocation: z.string(),
  executedAt: z.string().nullable(),
  currentPaymentId: z.string().nullable(),
  items: z.array(
    z.object({
      seq: z.number(),
      code: z.string(),
      name: z.string(),
      spec: z.string().nullable(),
      unit: z.string().nullable(),
      quantity: z.number(),
      unitPriceFen: z.number(),
      amountFen: z.number(),
    }),
  ),
  payments: z.array(
    z.object({
      paymentId: z.string(),
      state: z.enum(['paid', 'open', 'closed', 'writeback_failed']),
      amountFen: z.number(),
      billCount: z.number(),
      settlementNo: z.string().nullable(),
      createdAt: z.string(),
      paidAt: z.string().nullable(),
      order: z
        .object({
          orderId: z.string(),
          orderNo: z.string(),
          state: z.enum([
            'paid',
            'refunded',
            'closed',
            'created',
            'paying',
            'refunding',
            'partially_refunded',
          ]),
          channel: z.enum(['credit', 'sandbox', 'wechat', 'alipay']).nullable(),
          amountFen: z.number(),
          refundedFen: z.number(),
          paidAt: z.string().nullable(),
        })
        .nullable(),
      refunds: z.array(
        z.object({
          refundId: z.string(),
          refundNo: z.string(),
          amountFen: z.number(),
          state: z.enum(['failed', 'requested', 'processing', 'succeeded']),
          reason: z.string(),
          createdAt: z.string(),
        }),
      ),
      writeBack: z
        .object({
          state: z.enum(['pending', 'done', 'failed']),
          attempts: z.number(),
          lastError: z.string().nullable(),
          hisReceiptNo: z.string().nullable(),
          nextAttemptAt: z.string().nullable(),
          updatedAt: z.string(),
        })
        .nullable(),
    }),
  ),
  ...AdminBillSummary.shape,
});
export type AdminBillsGetResponse = z.infer<typeof AdminBillsGetResponse>;

export const IntegrationV1HisVisitsPostResponse = z.object({
  visitId: z.string(),
  visitNo: z.string(),
  patientMatched: z.boolean(),
});
export type IntegrationV1HisVisitsPostResponse = z.infer<typeof IntegrationV1HisVisitsPostResponse>;

export const IntegrationV1HisBillsPostResponse = z.object({
  visitNo: z.string(),
  bills: z.array(
    z.object({
      billNo: z.string(),
      billId: z.string(),
      outcome: z.enum(['created', 'updated', 'unchanged_paid', 'locked_in_payment']),
      state: z.string(),
    }),
  ),
});
export type IntegrationV1HisBillsPostResponse = z.infer<typeof IntegrationV1HisBillsPostResponse>;

export const IntegrationV1HisBillsExecutionPostResponse = z.object({
  billNo: z.string(),
  state: z.enum(['pending', 'paid', 'confirmed', 'refunded']),
  executionStatus: z.enum(['none', 'dispensed', 'performed']),
});
export type IntegrationV1HisBillsExecutionPostResponse = z.infer<
  typeof IntegrationV1HisBillsExecutionPostResponse
>;

export const IntegrationV1HisBillsInvoicePrintedPostResponse = z.object({
  billNo: z.string(),
  invoiced: z.boolean(),
});
export type IntegrationV1HisBillsInvoicePrintedPostResponse = z.infer<
  typeof IntegrationV1HisBillsInvoicePrintedPostResponse
>;

export const IntegrationV1HisBillsCounterRefundPostResponse = z.object({
  billNo: z.string(),
  state: z.enum(['pending', 'paid', 'confirmed', 'refunded']),
  refundMethod: z.enum(['online', 'original', 'cash']).nullable(),
  refundedAt: z.string().nullable(),
  refundId: z.string().nullable(),
});
export type IntegrationV1HisBillsCounterRefundPostResponse = z.infer<
  typeof IntegrationV1HisBillsCounterRefundPostResponse
>;

/** One bill as its patient's list shows it. */
export const PatientBillSummary = z.object({
  id: z.string(),
  billNo: z.string(),
  visitNo: z.string().nullable(),
  departmentName: z.string().nullable(),
  doctorName: z.string().nullable(),
  visitDate: z.string().nullable(),
  kind: z.enum(['prescription', 'lab', 'exam', 'treatment', 'other']),
  title: z.string(),
  amountFen: z.number(),
  state: z.enum(['pending', 'paid', 'confirmed', 'refunded']),
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
});
export type PatientBillSummary = z.infer<typeof PatientBillSummary>;

export const BillsListResponse = z.object({
  items: z.array(PatientBillSummary),
});
export type BillsListResponse = z.infer<typeof BillsListResponse>;

/** One bill as its patient sees it (detail, scan). */
export const PatientBillView = z.object({ patientId: z.string(), ...PatientBillSummary.shape });
export type PatientBillView = z.infer<typeof PatientBillView>;

export const BillsScanListResponse = PatientBillView;
export type BillsScanListResponse = z.infer<typeof BillsScanListResponse>;

export const BillsGetResponse = PatientBillView;
export type BillsGetResponse = z.infer<typeof BillsGetResponse>;

export const BillPaymentsPostResponse = z.object({
  id: z.string(),
  patientId: z.string(),
  billIds: z.array(z.string()),
  amountFen: z.number(),
  state: z.enum(['paid', 'open', 'closed', 'writeback_failed']),
  expiresAt: z.string(),
  orderId: z.string(),
  orderNo: z.string(),
  orderState: z.enum(['paid', 'refunded', 'closed', 'created', 'paying', 'refunding', 'partially_refunded']),
});
export type BillPaymentsPostResponse = z.infer<typeof BillPaymentsPostResponse>;

export const BillPaymentsListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      patientId: z.string(),
      amountFen: z.number(),
      billCount: z.number(),
      state: z.enum(['paid', 'open', 'closed', 'writeback_failed']),
      orderId: z.string().nullable(),
      orderNo: z.string().nullable(),
      orderState: z
        .enum(['paid', 'refunded', 'closed', 'created', 'paying', 'refunding', 'partially_refunded'])
        .nullable(),
      createdAt: z.string(),
      paidAt: z.string().nullable(),
    }),
  ),
});
export type BillPaymentsListResponse = z.infer<typeof BillPaymentsListResponse>;

export const BillPaymentsGetResponse = z.object({
  id: z.string(),
  patientId: z.string(),
  amountFen: z.number(),
  state: z.enum(['paid', 'open', 'closed', 'writeback_failed']),
  orderId: z.string().nullable(),
  orderNo: z.string().nullable(),
  orderState: z
    .enum(['paid', 'refunded', 'closed', 'created', 'paying', 'refunding', 'partially_refunded'])
    .nullable(),
  refundedFen: z.number(),
  paidAt: z.string().nullable(),
  writeBack: z
    .object({
      state: z.enum(['pending', 'done', 'failed']),
      attempts: z.number(),
      hisReceiptNo: z.string().nullable(),
    })
    .nullable(),
  bills: z.array(
    z.object({
      guidance: z
        .object({ zh: z.string(), en: z.string(), department: z.string(), location: z.string() })
        .nullable(),
      ...PatientBillSummary.shape,
    }),
  ),
});
export type BillPaymentsGetResponse = z.infer<typeof BillPaymentsGetResponse>;

export const BillPaymentsRefundPostResponse = z.object({
  refundId: z.string(),
  refundNo: z.string(),
  amountFen: z.number(),
  state: z.enum(['failed', 'requested', 'processing', 'succeeded']),
  billIds: z.array(z.string()),
});
export type BillPaymentsRefundPostResponse = z.infer<typeof BillPaymentsRefundPostResponse>;

export const AdminBillWritebackFailuresListResponse = z.object({
  items: z.array(
    z.object({
      paymentId: z.string(),
      orderId: z.string().nullable(),
      orderNo: z.string().nullable(),
      amountFen: z.number(),
      billCount: z.number(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      refundId: z.string().nullable(),
      failedAt: z.string(),
    }),
  ),
});
export type AdminBillWritebackFailuresListResponse = z.infer<typeof AdminBillWritebackFailuresListResponse>;

// ------------------------------------------------------------ request schemas

const hisNo = externalNo;

const instant = z.string().datetime({ offset: true });

const fen = z.number().int().min(0).max(100_000_000);

export const BillingIntegrationBillBody = z
  .object({
    billNo: hisNo,
    kind: z.enum(['prescription', 'lab', 'exam', 'treatment', 'other']),
    title: text(100),
    execDepartment: text(50),
    execLocation: text(100),
    scanCode: z
      .string()
      .regex(/^[\w.:-]{4,128}$/)
      .optional(),
    billedAt: instant.optional(),
    items: z
      .array(
        z
          .object({
            code: text(32),
            name: text(100),
            spec: text(100).optional(),
            unit: text(16).optional(),
            quantity: z.number().int().min(1).max(100_000),
            unitPriceFen: fen,
            amountFen: fen,
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict();

/** POST /integration/v1/his/visits: body. */
export const BillingIntegrationHisVisitsPostBody = z
  .object({
    visitNo: hisNo,
    visitDate: isoDate,
    departmentName: text(50).optional(),
    doctorName: text(50).optional(),
    patient: z
      .object({
        name: text(50),
        idNumber: z
          .string()
          .trim()
          .regex(/^[0-9A-Za-z]{8,20}$/)
          .optional(),
        visitCardNo: z
          .string()
          .trim()
          .regex(/^[0-9A-Za-z]{4,32}$/)
          .optional(),
      })
      .strict(),
  })
  .strict();

/** POST /integration/v1/his/bills: body. */
export const BillingIntegrationHisBillsPostBody = z
  .object({ visitNo: hisNo, bills: z.array(BillingIntegrationBillBody).min(1).max(50) })
  .strict();

/** POST /integration/v1/his/bills/:billNo/execution: params. */
export const BillingIntegrationHisBillsExecutionPostParams = z.object({ billNo: hisNo });

/** POST /integration/v1/his/bills/:billNo/execution: body. */
export const BillingIntegrationHisBillsExecutionPostBody = z
  .object({ status: z.enum(['dispensed', 'performed']), executedAt: instant.optional() })
  .strict();

/** POST /integration/v1/his/bills/:billNo/invoice-printed: params. */
export const BillingIntegrationHisBillsInvoicePrintedPostParams = z.object({ billNo: hisNo });

/** POST /integration/v1/his/bills/:billNo/invoice-printed: body. */
export const BillingIntegrationHisBillsInvoicePrintedPostBody = z.object({}).strict().nullish();

/** POST /integration/v1/his/bills/:billNo/counter-refund: params. */
export const BillingIntegrationHisBillsCounterRefundPostParams = z.object({ billNo: hisNo });

/** POST /integration/v1/his/bills/:billNo/counter-refund: body. */
export const BillingIntegrationHisBillsCounterRefundPostBody = z
  .object({ method: z.enum(['original', 'cash']), refundedAt: instant.optional() })
  .strict();

/** GET /v1/bills: query. */
export const BillingBillsQuery = z
  .object({
    patientId: id,
    state: z.enum(['pending', 'paid', 'refunded', 'all']).default('pending'),
  })
  .strict();

/** GET /v1/bills/scan: query. */
export const BillingBillsScanQuery = z.object({ code: z.string().trim().min(1).max(200) }).strict();

/** GET /v1/bills/:id: params. */
export const BillingBillsParams = z.object({ id });

/** POST /v1/bill-payments: body. */
export const BillingBillPaymentsPostBody = z
  .object({
    patientId: id,
    billIds: z.array(id).min(1).max(20),
    idempotencyKey: z.string().regex(/^[\w.:-]{8,100}$/, '8-100 of letters, digits and _ . : -'),
  })
  .strict();

/** GET /v1/bill-payments/:id: params. */
export const BillingBillPaymentsParams = z.object({ id });

/** POST /v1/bill-payments/:id/refund: params. */
export const BillingBillPaymentsRefundPostParams = z.object({ id });

/** POST /v1/bill-payments/:id/refund: body. */
export const BillingBillPaymentsRefundPostBody = z.object({ billIds: z.array(id).min(1).max(20) }).strict();
