import { api, toPage, type Page, type Query } from './client';

export type DepositState = 'pending' | 'paid' | 'closed';
export type DepositHisState = 'pending' | 'confirmed' | 'failed';

/** An inpatient deposit top-up as finance lists it (patient name masked). */
export interface InpatientDeposit {
  id: string;
  admissionId: string;
  admissionNo: string;
  ward: string;
  bed: string | null;
  patientName: string;
  admissionState: 'admitted' | 'discharged';
  settlementState: string;
  amountFen: number;
  state: DepositState;
  channel: string | null;
  orderNo: string | null;
  orderId: string | null;
  hisState: DepositHisState;
  hisAttempts: number;
  /** what the discharge settlement refunded from this top-up */
  refundedFen: number;
  paidAt: string | null;
  createdAt: string;
}

/** One more HIS write-back of a paid deposit the retry job gave up on (DEPOSIT_WRITEBACK_NOT_FAILED 409 otherwise). */
export const retryDepositWriteBack = (id: string) =>
  api.post<{ id: string; state: DepositState; hisState: DepositHisState; hisAttempts: number }>(
    `/admin/inpatient-deposits/${id}/his-retry`,
    {},
  );

/** One page of top-ups, newest first (q: admission or order number, exact). */
export const listInpatientDeposits = async (query: Query): Promise<Page<InpatientDeposit>> =>
  toPage<InpatientDeposit>(await api.get('/admin/inpatient-deposits', query));
