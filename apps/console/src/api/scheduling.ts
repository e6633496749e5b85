import { api, toPage } from './client';
import type {
  RegistrationLevel,
  BookingChannel,
  Shift,
  ScheduleTemplate,
  ScheduleView,
  ReleaseRule,
  StopResult,
} from '@qingnang/contracts/api-types/console';
export type {
  RegistrationLevel,
  BookingChannel,
  Shift,
  ScheduleTemplate,
  SegmentView,
  ScheduleView,
  ReleaseRule,
  StopResult,
} from '@qingnang/contracts/api-types/console';

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
