import type { AppConfig } from '../../config.js';
import type { AppContext } from '../../platform/context.js';
import { SandboxEInvoicePlatform } from './sandbox.js';

/** One line of an e-invoice (a fee item as the payment paid it). */
export interface EInvoiceItem {
  code?: string | null;
  name: string;
  spec?: string | null;
  unit?: string | null;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

export type EInvoiceKind = 'blue' | 'red';

/** How a medically insured payment was split: pooled fund, personal account and cash (fen). */
export interface InsuranceSplit {
  fundFen: number;
  accountFen: number;
  cashFen: number;
}
/** 票据种类: outpatient fees (门诊), registration fees (挂号), inpatient settlement (住院). */
export type EInvoiceCategory = 'outpatient' | 'registration' | 'inpatient';

export interface EInvoiceIssueRequest {
  /** the platform's business serial number (业务流水号): the e-invoice platform's idempotency key */
  serialNo: string;
  kind: EInvoiceKind;
  category: EInvoiceCategory;
  payerName: string;
  items: EInvoiceItem[];
  /** the positive total of the items; a red-letter invoice reverses it */
  amountFen: number;
  paidAt: Date;
  /** the payment order number the money came with (shown as 支付流水) */
  orderNo: string | null;
  /** paid partly by medical insurance: the split printed on a medical invoice (统筹 / 个账 / 现金) */
  insurance?: InsuranceSplit;
  /** a red-letter invoice names the invoice it cancels and why */
  original?: { invoiceCode: string; invoiceNo: string; reason: string };
}

export interface IssuedEInvoice {
  invoiceCode: string;
  invoiceNo: string;
  checkCode: string;
  issuedAt: Date;
  /** the invoice as the payer receives it */
  pdf: Buffer;
  /** where its QR code points: the public check of code, number and check code */
  verifyUrl: string;
}

/** The e-invoice platform could not issue; `retryable` false means it refused the request for good. */
export class EInvoiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}

/**
 * The e-invoice platform (财政电子票据 / 电子发票平台). Issuing is idempotent by the serial number:
 * the same serial number returns the same invoice, so a retry after a lost answer never issues twice.
 */
export interface EInvoicePlatform {
  readonly kind: 'sandbox';
  issue(ctx: AppContext, req: EInvoiceIssueRequest): Promise<IssuedEInvoice>;
}

export interface EInvoiceAdapters {
  einvoice: EInvoicePlatform;
}

export function buildEInvoiceAdapters(config: AppConfig): EInvoiceAdapters {
  switch (config.EINVOICE_PROVIDER) {
    case 'sandbox':
      return { einvoice: new SandboxEInvoicePlatform() };
  }
}

/** The public verification address of an invoice (its QR code's payload). */
export function verificationUrl(
  baseUrl: string,
  inv: { invoiceCode: string; invoiceNo: string; checkCode: string },
): string {
  const q = new URLSearchParams({ code: inv.invoiceCode, no: inv.invoiceNo, check: inv.checkCode });
  return `${baseUrl.replace(/\/$/, '')}/api/v1/einvoices/verify?${q}`;
}

// The invoice-source port: what a module whose payments get e-invoices implements and registers.
export * from './sources.js';
