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

export type ReportKind = 'lab' | 'exam' | 'pathology' | 'physical';

/** A lab, exam, pathology or physical-exam report as staff list it (patient name masked). */
export interface AdminReport {
  id: string;
  reportNo: string;
  kind: ReportKind;
  title: string;
  department: string | null;
  setting: string;
  status: 'pending' | 'partial' | 'final';
  orderedAt: string | null;
  reportedAt: string | null;
  hasImages: boolean;
  patientNameMasked: string;
  patientId: string;
}

export interface ReportObservation {
  section: string | null;
  code: string;
  name: string;
  value: number | string | null;
  unit: string | null;
  refLow: number | null;
  refHigh: number | null;
  refText: string | null;
  flag: string | null;
  /** for flagged indicators: the knowledge base's plain-language text */
  interpretation: {
    code: string;
    name: string;
    meaning: string;
    explanation: string | null;
    advice: string | null;
  } | null;
}

export interface AdminReportDetail extends AdminReport {
  conclusion: string | null;
  sections: { name: string; conclusion: string | null }[];
  observations: ReportObservation[];
}

export const listAdminReports = async (query: Query): Promise<Page<AdminReport>> =>
  toPage<AdminReport>(await api.get('/admin/reports', query));

/** Reading one is audited (staff access to patient data). */
export const getAdminReport = (id: string) => api.get<AdminReportDetail>(`/admin/reports/${id}`);

/** RPT-12: a patient's personal health record as staff see it (masked, audited as health_record.read). */
export interface StaffHealthRecord {
  basic: {
    patientId: string;
    name: string;
    gender: string | null;
    birthDate: string | null;
    idNumberMasked: string | null;
  };
  profile: {
    bloodType: string | null;
    heightCm: number | null;
    weightKg: number | null;
    bmi: number | null;
    allergies: string[];
    chronicConditions: string[];
    medications: string[];
    familyHistory: { relation: string; condition: string }[];
    smoking: string | null;
    drinking: string | null;
    exercise: string | null;
    diet: string | null;
    version: number;
    updatedAt: string | null;
  };
}

export const getStaffHealthRecord = (patientId: string) =>
  api.get<StaffHealthRecord>(`/admin/health-records/${encodeURIComponent(patientId)}`);
