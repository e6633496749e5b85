import { api, toPage, type Page, type Query } from './client';

export type SettlementState =
  | 'pre_settled'
  | 'settling'
  | 'cash_pending'
  | 'settled'
  | 'expired'
  | 'failed'
  | 'reversing'
  | 'reversed'
  | 'refunding'
  | 'refunded';

/** A medical-insurance settlement: the bill total split into fund, personal account and cash. */
export interface InsuranceSettlement {
  id: string;
  settlementNo: string;
  kind: 'outpatient' | 'secondary' | 'registration';
  patientId: string;
  patientName: string;
  state: SettlementState;
  insuranceState: 'none' | 'unknown' | 'settled' | 'cancelled' | 'refunded';
  billIds: string[];
  useAccount: boolean;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  cashOrderId: string | null;
  cashOrderNo: string | null;
  cashOrderState: string | null;
  cashRefundIds: string[];
  reason: string | null;
  settledAt: string | null;
  closedAt: string | null;
  createdAt: string;
  bills?: {
    billId: string;
    billNo: string;
    totalFen: number;
    fundFen: number;
    accountFen: number;
    cashFen: number;
  }[];
  lastError?: string | null;
  attempts?: number;
  requestedBy?: string | null;
  /** the insurance platform's own record of it (detail only) */
  platform?: PlatformRecordView | null;
}

export interface PlatformRecordView {
  state: 'settled' | 'cancelled' | 'refunded' | 'not_found';
  fundFen?: number;
  accountFen?: number;
  cashFen?: number;
}

/** Newest first, at most `limit` (500); the table pages them. */
export const listSettlements = async (query: Query): Promise<Page<InsuranceSettlement>> =>
  toPage<InsuranceSettlement>(await api.get('/admin/insurance-settlements', { limit: 500, ...query }));

export const getSettlement = (id: string) =>
  api.get<InsuranceSettlement>(`/admin/insurance-settlements/${id}`);

/** At the window: cancels an unpaid settlement, or refunds a settled one to each part. */
export const cancelSettlement = (id: string, reason: string) =>
  api.post<InsuranceSettlement>(`/admin/insurance-settlements/${id}/cancel`, { reason });
