import { api, toPage, type Page, type Query } from './client';
import type { EInvoice } from '@qingnang/contracts/api-types/console';
export type { EInvoiceState, EInvoiceStatus, EInvoice } from '@qingnang/contracts/api-types/console';

/** The latest 500 matching the filter; the table pages them. */
export const listEInvoices = async (query: Query): Promise<Page<EInvoice>> =>
  toPage<EInvoice>(await api.get('/admin/einvoices', query));

/** Re-issues a failed e-invoice: tried at once, then by the job (EINVOICE_NOT_FAILED 409 otherwise). */
export const reissueEInvoice = (id: string) => api.post<EInvoice>(`/admin/einvoices/${id}/reissue`, {});
