import { api, toPage, type Page, type Query } from './client';

export type CreditAccountState = 'active' | 'suspended' | 'closed';

/** A patient's credit-care account as finance lists it (patient name masked). */
export interface CreditAccount {
  id: string;
  agreementNo: string;
  patientId: string;
  patientName: string | null;
  state: CreditAccountState;
  limitFen: number;
  usedFen: number;
  owedFen: number;
  overdueFen: number;
  frictionlessEnabled: boolean;
  /** OVERDUE (lifted by settling) or STAFF (suspended by finance) */
  suspendReason: string | null;
  activatedAt: string;
  suspendedAt: string | null;
}

/** The latest 500 matching the filter; the table pages them. */
export const listCreditAccounts = async (query: Query): Promise<Page<CreditAccount>> =>
  toPage<CreditAccount>(await api.get('/admin/credit/accounts', query));

/** Suspends active credit care (CREDIT_NOT_ACTIVE 409 otherwise); the patient is told. */
export const suspendCreditAccount = (id: string, reason: string) =>
  api.post<{ id: string; state: CreditAccountState }>(`/admin/credit/accounts/${id}/suspend`, { reason });

/** Resumes suspended credit care (CREDIT_OVERDUE_OUTSTANDING 409 while overdue charges are unpaid). */
export const resumeCreditAccount = (id: string) =>
  api.post<{ id: string; state: CreditAccountState }>(`/admin/credit/accounts/${id}/resume`, {});
