import { api, toPage } from './client';

export type RegistrationLevel = 'general' | 'expert' | 'special';
export type BookingChannel = 'online' | 'counter' | 'third_party';

export interface Shift {
  code: string;
  nameZh: string;
  nameEn: string;
  startTime: string;
  endTime: string;
  sort: number;
}

export interface ScheduleTemplate {
  id: string;
  doctorId: string;
  departmentId: string;
  weekdays: number[];
  shiftCode: string;
  segmentMinutes: number;
  slotsPerSegment: number;
  level: RegistrationLevel;
  feeFen: number;
  enabled: boolean;
}

export interface SegmentView {
  id: string;
  seq: number;
  startAt: string;
  endAt: string;
  /** 'closed': check-in has closed, nothing can be sold; 'past': the segment has ended */
  state: 'open' | 'closed' | 'past' | 'stopped';
  stopReason?: string | null;
  total: number;
  remaining: number;
  /** slots held by bookings (locked or paid) */
  booked?: number;
  /** sold out while still bookable by time */
  full: boolean;
}

export interface ScheduleView {
  id: string;
  doctorId: string;
  doctorName?: string;
  departmentId: string;
  departmentName?: string;
  clinicDate: string;
  shiftCode: string;
  startAt: string;
  endAt: string;
  level: RegistrationLevel;
  feeFen: number;
  /** 'past' once the session ended (已结束) */
  state: 'open' | 'stopped' | 'past';
  /** no segment can be booked any more because of the time */
  bookingClosed?: boolean;
  stopReason: string | null;
  releaseAt: string;
  released: boolean;
  total: number;
  remaining: number;
  booked?: number;
  full: boolean;
  segments: SegmentView[];
}

export interface ReleaseRule {
  channel: BookingChannel;
  reservedPercent: number;
  daysAhead: number;
  releaseTime: string;
  sameDayOnlyLevels: RegistrationLevel[];
  enabled: boolean;
}

export interface StopResult {
  cancelled: number;
  refunded: number;
}

export const listShifts = async () => toPage<Shift>(await api.get('/admin/shifts')).items;
export const saveShift = (code: string, body: Omit<Shift, 'code'>) =>
  api.put<Shift>(`/admin/shifts/${code}`, body);

export const templates = {
  list: async (q: { departmentId?: string; doctorId?: string }) =>
    toPage<ScheduleTemplate>(await api.get('/admin/schedule-templates', q)),
  create: (body: unknown) => api.post<ScheduleTemplate>('/admin/schedule-templates', body),
  update: (id: string, body: unknown) => api.patch<ScheduleTemplate>(`/admin/schedule-templates/${id}`, body),
  remove: (id: string) => api.delete(`/admin/schedule-templates/${id}`),
  generate: (weeks?: number) =>
    api.post<{ created: number }>('/admin/schedule-templates/generate', { weeks }),
};

export const listSchedules = async (q: {
  departmentId?: string;
  doctorId?: string;
  from: string;
  to: string;
}) => toPage<ScheduleView>(await api.get('/admin/schedules', q)).items;

export const createSchedule = (body: unknown) => api.post<ScheduleView>('/admin/schedules', body);
export const updateSchedule = (id: string, body: { level?: RegistrationLevel; feeFen?: number }) =>
  api.patch<ScheduleView>(`/admin/schedules/${id}`, body);

/** 加号: extra numbered slots in one segment. */
export const addExtraSlots = (
  scheduleId: string,
  body: { segmentId: string; count: number; channel?: string },
) => api.post<{ numbers: number[] }>(`/admin/schedules/${scheduleId}/extra-slots`, body);

/** 停诊: the whole schedule (day/shift) or one segment; cancels, refunds and notifies the affected bookings. */
export const stopClinic = (scheduleId: string, body: { segmentId?: string; reason: string }) =>
  api.post<StopResult>(`/admin/schedules/${scheduleId}/stop`, body);

/** 假期停诊: every open clinic in a date range (optionally one department). */
export const holidayStop = (body: { from: string; to: string; departmentId?: string; reason: string }) =>
  api.post<StopResult & { schedules: number }>('/admin/schedules/holiday-stop', body);

export const listReleaseRules = async () => toPage<ReleaseRule>(await api.get('/admin/release-rules')).items;
export const saveReleaseRule = (channel: BookingChannel, body: Partial<Omit<ReleaseRule, 'channel'>>) =>
  api.put<ReleaseRule>(`/admin/release-rules/${channel}`, body);
