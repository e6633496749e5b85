/** Response schemas of the invoicing module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { Binary } from './common.js';

export const InsuranceSplit = z.object({ fundFen: z.number(), accountFen: z.number(), cashFen: z.number() });
export type InsuranceSplit = z.infer<typeof InsuranceSplit>;

export const i = z.object({
  code: z.string().nullable().optional(),
  name: z.string(),
  spec: z.string().nullable().optional(),
  unit: z.string().nullable().optional(),
  quantity: z.number(),
  unitPriceFen: z.number(),
  amountFen: z.number(),
});
export type i = z.infer<typeof i>;

export const IntegrationV1EinvoicesPrintedPostResponse = z.object({
  invoiceCode: z.string().nullable(),
  invoiceNo: z.string().nullable(),
  printed: z.boolean(),
});
export type IntegrationV1EinvoicesPrintedPostResponse = z.infer<
  typeof IntegrationV1EinvoicesPrintedPostResponse
>;

export const IntegrationV1EinvoicesSearchPostResponse = z.object({
  items: z.array(
    z.object({
      invoiceCode: z.string(),
      invoiceNo: z.string(),
      kind: z.enum(['blue', 'red']),
      category: z.enum(['outpatient', 'registration', 'inpatient']),
      status: z.enum(['issued', 'failed', 'issuing', 'reversed', 'printed']),
      title: z.string(),
      payerName: z.string(),
      amountFen: z.number(),
      issuedAt: z.string().nullable(),
      printed: z.boolean(),
    }),
  ),
});
export type IntegrationV1EinvoicesSearchPostResponse = z.infer<
  typeof IntegrationV1EinvoicesSearchPostResponse
>;

export const IntegrationV1EinvoicesPdfPostResponse = Binary;
export type IntegrationV1EinvoicesPdfPostResponse = z.infer<typeof IntegrationV1EinvoicesPdfPostResponse>;

export const EinvoicesVerifyListResponse = z.union([
  z.string(),
  z.union([
    z.object({
      genuine: z.literal(false),
      kind: z.undefined().optional(),
      invoiceCode: z.undefined().optional(),
      invoiceNo: z.undefined().optional(),
      payerName: z.undefined().optional(),
      amountFen: z.undefined().optional(),
      issuedAt: z.undefined().optional(),
      reversed: z.undefined().optional(),
      payeeName: z.undefined().optional(),
    }),
    z.object({
      genuine: z.literal(true),
      kind: z.enum(['blue', 'red']),
      invoiceCode: z.string(),
      invoiceNo: z.string(),
      payerName: z.string(),
      amountFen: z.number(),
      issuedAt: z.string(),
      reversed: z.boolean(),
      payeeName: z.string(),
    }),
  ]),
]);
export type EinvoicesVerifyListResponse = z.infer<typeof EinvoicesVerifyListResponse>;

/** One e-invoice as lists show it. */
export const EinvoiceSummary = z.object({
  id: z.string(),
  kind: z.enum(['blue', 'red']),
  category: z.enum(['outpatient', 'registration', 'inpatient']),
  status: z.enum(['issued', 'failed', 'issuing', 'reversed', 'printed']),
  state: z.enum(['pending', 'issued', 'failed', 'cancelled']),
  title: z.string(),
  payerName: z.string(),
  patientId: z.string(),
  amountFen: z.number(),
  insuranceSplit: InsuranceSplit.nullable(),
  paidAt: z.string(),
  orderNo: z.string().nullable(),
  invoiceCode: z.string().nullable(),
  invoiceNo: z.string().nullable(),
  checkCode: z.string().nullable(),
  verifyUrl: z.string().nullable(),
  issuedAt: z.string().nullable(),
  printed: z.boolean(),
  originalId: z.string().nullable(),
  reversedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type EinvoiceSummary = z.infer<typeof EinvoiceSummary>;

export const EinvoicesListResponse = z.object({
  items: z.array(EinvoiceSummary),
});
export type EinvoicesListResponse = z.infer<typeof EinvoicesListResponse>;

export const EinvoicesGetResponse = z.object({
  patientId: z.string(),
  items: z.array(i),
  ...EinvoiceSummary.omit({ patientId: true }).shape,
});
export type EinvoicesGetResponse = z.infer<typeof EinvoicesGetResponse>;

export const EinvoicesPdfListResponse = Binary;
export type EinvoicesPdfListResponse = z.infer<typeof EinvoicesPdfListResponse>;

export const AdminEinvoicesListResponse = z.object({
  items: z.array(
    z.object({
      payerName: z.string(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      sourceType: z.string(),
      sourceId: z.string(),
      ...EinvoiceSummary.omit({ payerName: true }).shape,
    }),
  ),
});
export type AdminEinvoicesListResponse = z.infer<typeof AdminEinvoicesListResponse>;

export const AdminEinvoicesReissuePostResponse = EinvoiceSummary;
export type AdminEinvoicesReissuePostResponse = z.infer<typeof AdminEinvoicesReissuePostResponse>;

// ------------------------------------------------------------ request schemas

const id = z.string().min(1).max(64);

const invoiceCode = z.string().regex(/^[0-9A-Za-z]{4,20}$/, '4-20 letters or digits');

const invoiceNo = z.string().regex(/^[0-9A-Za-z]{4,20}$/, '4-20 letters or digits');

/** POST /integration/v1/einvoices/printed: body. */
export const InvoicingIntegrationEinvoicesPrintedPostBody = z.object({ invoiceCode, invoiceNo }).strict();

/** POST /integration/v1/einvoices/search: body. */
export const InvoicingIntegrationEinvoicesSearchPostBody = z
  .object({
    visitCardNo: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{4,32}$/),
  })
  .strict();

/** POST /integration/v1/einvoices/pdf: body. */
export const InvoicingIntegrationEinvoicesPdfPostBody = z.object({ invoiceCode, invoiceNo }).strict();

/** GET /v1/einvoices/verify: query. */
export const InvoicingEinvoicesVerifyQuery = z
  .object({ code: invoiceCode, no: invoiceNo, check: z.string().regex(/^[0-9A-Za-z]{4,20}$/) })
  .strict();

/** GET /v1/einvoices: query. */
export const InvoicingEinvoicesQuery = z.object({ patientId: id }).strict();

/** GET /v1/einvoices/:id: params. */
export const InvoicingEinvoicesParams = z.object({ id });

/** GET /v1/einvoices/:id/pdf: params. */
export const InvoicingEinvoicesPdfParams = z.object({ id });

/** GET /v1/admin/einvoices: query. */
export const InvoicingAdminEinvoicesQuery = z
  .object({
    state: z.enum(['pending', 'issued', 'failed', 'cancelled']).optional(),
    kind: z.enum(['blue', 'red']).optional(),
  })
  .strict();

/** POST /v1/admin/einvoices/:id/reissue: params. */
export const InvoicingAdminEinvoicesReissuePostParams = z.object({ id });

/** POST /v1/admin/einvoices/:id/reissue: body. */
export const InvoicingAdminEinvoicesReissuePostBody = z.object({}).strict().nullish();
