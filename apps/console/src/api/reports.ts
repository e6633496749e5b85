import { api, toPage, type Page, type Query } from './client';
import type { Resource } from './resource';
import type {
  Indicator,
  AdminReport,
  AdminReportDetail,
  StaffHealthRecord,
} from '@qingnang/contracts/api-types/console';
export type {
  Indicator,
  ReportKind,
  AdminReport,
  ReportObservation,
  AdminReportDetail,
  StaffHealthRecord,
} from '@qingnang/contracts/api-types/console';

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

export const listAdminReports = async (query: Query): Promise<Page<AdminReport>> =>
  toPage<AdminReport>(await api.get('/admin/reports', query));

/** Reading one is audited (staff access to patient data). */
export const getAdminReport = (id: string) => api.get<AdminReportDetail>(`/admin/reports/${id}`);

export const getStaffHealthRecord = (patientId: string) =>
  api.get<StaffHealthRecord>(`/admin/health-records/${encodeURIComponent(patientId)}`);
