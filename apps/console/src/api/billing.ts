import { api, toPage, type Page, type Query } from './client';
import type { WriteBackFailure, Bill, BillDetail } from '@qingnang/contracts/api-types/console';
export type { WriteBackFailure, BillState, Bill, BillDetail } from '@qingnang/contracts/api-types/console';

/** The server returns the latest 500 at once; the table pages them. */
export const listWriteBackFailures = async (): Promise<Page<WriteBackFailure>> =>
  toPage<WriteBackFailure>(await api.get('/admin/bill-writeback-failures'));

export const listBills = async (query: Query): Promise<Page<Bill>> =>
  toPage<Bill>(await api.get('/admin/bills', query));

export const getBill = (id: string) => api.get<BillDetail>(`/admin/bills/${encodeURIComponent(id)}`);
