import { api, toPage, type Page, type Query } from './client';

export type EInvoiceState = 'pending' | 'issued' | 'failed' | 'cancelled';
/** What the patient sees: issuing, issued, printed (paper copy: refunds at the counter), reversed, failed */
export type EInvoiceStatus = 'issuing' | 'issued' | 'printed' | 'reversed' | 'failed';

/** One e-invoice (blue) or its red-letter reversal, as finance lists it (payer name masked). */
export interface EInvoice {
  id: string;
  kind: 'blue' | 'red';
  category: string;
  status: EInvoiceStatus;
  state: EInvoiceState;
  title: string;
  payerName: string;
  patientId: string;
  /** negative for a red-letter invoice */
  amountFen: number;
  paidAt: string;
  orderNo: string | null;
  invoiceCode: string | null;
  invoiceNo: string | null;
  checkCode: string | null;
  verifyUrl: string | null;
  issuedAt: string | null;
  printed: boolean;
  originalId: string | null;
  reversedBy: string | null;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  sourceType: string;
  sourceId: string;
}

/** The latest 500 matching the filter; the table pages them. */
export const listEInvoices = async (query: Query): Promise<Page<EInvoice>> =>
  toPage<EInvoice>(await api.get('/admin/einvoices', query));

/** Re-issues a failed e-invoice: tried at once, then by the job (EINVOICE_NOT_FAILED 409 otherwise). */
export const reissueEInvoice = (id: string) => api.post<EInvoice>(`/admin/einvoices/${id}/reissue`, {});
