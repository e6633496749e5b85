import { api, toPage, type Page, type Query } from './client';
import type { InsuranceSettlement } from '@qingnang/contracts/api-types/console';
export type {
  SettlementState,
  InsuranceSettlement,
  PlatformRecordView,
} from '@qingnang/contracts/api-types/console';

/** Newest first, at most `limit` (500); the table pages them. */
export const listSettlements = async (query: Query): Promise<Page<InsuranceSettlement>> =>
  toPage<InsuranceSettlement>(await api.get('/admin/insurance-settlements', { limit: 500, ...query }));

export const getSettlement = (id: string) =>
  api.get<InsuranceSettlement>(`/admin/insurance-settlements/${id}`);

/** At the window: cancels an unpaid settlement, or refunds a settled one to each part. */
export const cancelSettlement = (id: string, reason: string) =>
  api.post<InsuranceSettlement>(`/admin/insurance-settlements/${id}/cancel`, { reason });
