import { api, toPage, type Page, type Query } from './client';
import type { DepositState, DepositHisState, InpatientDeposit } from '@qingnang/contracts/api-types/console';
export type { DepositState, DepositHisState, InpatientDeposit } from '@qingnang/contracts/api-types/console';

/** One more HIS write-back of a paid deposit the retry job gave up on (DEPOSIT_WRITEBACK_NOT_FAILED 409 otherwise). */
export const retryDepositWriteBack = (id: string) =>
  api.post<{ id: string; state: DepositState; hisState: DepositHisState; hisAttempts: number }>(
    `/admin/inpatient-deposits/${id}/his-retry`,
    {},
  );

/** One page of top-ups, newest first (q: admission or order number, exact). */
export const listInpatientDeposits = async (query: Query): Promise<Page<InpatientDeposit>> =>
  toPage<InpatientDeposit>(await api.get('/admin/inpatient-deposits', query));
