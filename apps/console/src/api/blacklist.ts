import { api, toPage, type Page, type Query } from './client';
import type { BlacklistRule, BlacklistEntry } from '@qingnang/contracts/api-types/console';
export type { BlacklistRule, BlacklistEntry } from '@qingnang/contracts/api-types/console';

export const rules = {
  list: async (): Promise<Page<BlacklistRule>> =>
    toPage<BlacklistRule>(await api.get('/admin/blacklist-rules')),
  get: (id: string) => api.get<BlacklistRule>(`/admin/blacklist-rules/${id}`),
  create: (body: unknown) => api.post<BlacklistRule>('/admin/blacklist-rules', body),
  update: (id: string, body: unknown) => api.patch<BlacklistRule>(`/admin/blacklist-rules/${id}`, body),
  remove: (id: string) => api.delete(`/admin/blacklist-rules/${id}`),
};

export const listEntries = async (query: Query): Promise<Page<BlacklistEntry>> =>
  toPage<BlacklistEntry>(await api.get('/admin/blacklist', query));

export const addEntry = (body: { patientId: string; reason: string; days: number }) =>
  api.post<BlacklistEntry>('/admin/blacklist', body);

export const liftEntry = (id: string, reason: string) =>
  api.post<BlacklistEntry>(`/admin/blacklist/${id}/lift`, { reason });
