import { api, toPage, type Page, type Query } from './client';
import type { CreditAccountState, CreditAccount } from '@qingnang/contracts/api-types/console';
export type { CreditAccountState, CreditAccount } from '@qingnang/contracts/api-types/console';

/** The latest 500 matching the filter; the table pages them. */
export const listCreditAccounts = async (query: Query): Promise<Page<CreditAccount>> =>
  toPage<CreditAccount>(await api.get('/admin/credit/accounts', query));

/** Suspends active credit care (CREDIT_NOT_ACTIVE 409 otherwise); the patient is told. */
export const suspendCreditAccount = (id: string, reason: string) =>
  api.post<{ id: string; state: CreditAccountState }>(`/admin/credit/accounts/${id}/suspend`, { reason });

/** Resumes suspended credit care (CREDIT_OVERDUE_OUTSTANDING 409 while overdue charges are unpaid). */
export const resumeCreditAccount = (id: string) =>
  api.post<{ id: string; state: CreditAccountState }>(`/admin/credit/accounts/${id}/resume`, {});
