import { api, toPage, type Page, type Query } from './client';

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

export type BillState = 'pending' | 'paid' | 'confirmed' | 'refunded';

/** An outpatient bill the HIS pushed (finance search); the patient name comes masked. */
export interface Bill {
  id: string;
  billNo: string;
  visitNo: string | null;
  visitDate: string | null;
  patientName: string | null;
  departmentName: string | null;
  doctorName: string | null;
  kind: string;
  title: string;
  amountFen: number;
  state: BillState;
  executionStatus: 'none' | 'dispensed' | 'performed';
  invoiced: boolean;
  hisReceiptNo: string | null;
  billedAt: string;
  paidAt: string | null;
  confirmedAt: string | null;
  refundedAt: string | null;
}

export interface BillDetail extends Bill {
  execDepartment: string;
  execLocation: string;
  executedAt: string | null;
  currentPaymentId: string | null;
  items: {
    seq: number;
    code: string;
    name: string;
    spec: string | null;
    unit: string | null;
    quantity: number;
    unitPriceFen: number;
    amountFen: number;
  }[];
  payments: {
    paymentId: string;
    state: 'open' | 'paid' | 'closed' | 'writeback_failed';
    amountFen: number;
    billCount: number;
    settlementNo: string | null;
    createdAt: string;
    paidAt: string | null;
    order: {
      orderId: string;
      orderNo: string;
      state: string;
      channel: string | null;
      amountFen: number;
      refundedFen: number;
      paidAt: string | null;
    } | null;
    refunds: {
      refundId: string;
      refundNo: string;
      amountFen: number;
      state: string;
      reason: string;
      createdAt: string;
    }[];
    writeBack: {
      state: 'pending' | 'done' | 'failed';
      attempts: number;
      lastError: string | null;
      hisReceiptNo: string | null;
      nextAttemptAt: string | null;
      updatedAt: string;
    } | null;
  }[];
}

export const listBills = async (query: Query): Promise<Page<Bill>> =>
  toPage<Bill>(await api.get('/admin/bills', query));

export const getBill = (id: string) => api.get<BillDetail>(`/admin/bills/${encodeURIComponent(id)}`);
