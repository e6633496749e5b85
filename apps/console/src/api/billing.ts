import { api, toPage, type Page } from './client';

/** A bill payment whose HIS write-back failed every attempt and was refunded automatically. */
export interface WriteBackFailure {
  paymentId: string;
  orderId: string;
  orderNo: string | null;
  amountFen: number;
  billCount: number;
  attempts: number;
  lastError: string | null;
  refundId: string | null;
  failedAt: string;
}

/** The server returns the latest 500 at once; the table pages them. */
export const listWriteBackFailures = async (): Promise<Page<WriteBackFailure>> =>
  toPage<WriteBackFailure>(await api.get('/admin/bill-writeback-failures'));
