import { api, toPage, type Page, type Query } from './client';
import type { Resource } from './resource';

/** One entry of the indicator knowledge base (plain-language interpretation shown to patients). */
export interface Indicator {
  code: string;
  name: string;
  aliases: string[];
  category: string;
  unit: string | null;
  meaning: string;
  highMeaning: string | null;
  lowMeaning: string | null;
  advice: string | null;
  updatedAt: string;
}

/** The knowledge base as a console collection; an indicator's code is its id. */
export const indicators: Resource<Indicator & { id: string }> = {
  list: async (query?: Query) => {
    const page = toPage<Indicator>(await api.get('/admin/indicators', query));
    return { ...page, items: page.items.map((i) => ({ ...i, id: i.code })) };
  },
  get: async (code) => {
    const found = (await indicators.list({ q: code })).items.find((i) => i.code === code);
    if (!found) throw new Error(code);
    return found;
  },
  create: async (body) => {
    const i = await api.post<Indicator>('/admin/indicators', body);
    return { ...i, id: i.code };
  },
  update: async (code, body) => {
    const i = await api.put<Indicator>(`/admin/indicators/${encodeURIComponent(code)}`, body);
    return { ...i, id: i.code };
  },
  remove: () => Promise.reject(new Error('indicators are not deleted')),
};

export interface AdminReport {
  id: string;
  reportNo: string;
  kind: string;
  status: string;
  title?: string;
  patientId: string;
  [k: string]: unknown;
}

export const listAdminReports = async (query: Query): Promise<Page<AdminReport>> =>
  toPage<AdminReport>(await api.get('/admin/reports', query));
