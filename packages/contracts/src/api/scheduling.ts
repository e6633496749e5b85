/** Response schemas of the scheduling module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { Timestamp } from './common.js';

export const SegmentView = z.object({
  id: z.string(),
  seq: z.number(),
  startAt: Timestamp,
  endAt: Timestamp,
  state: z.enum(['open', 'stopped', 'past', 'closed']),
  total: z.number(),
  remaining: z.number(),
  booked: z.number(),
  full: z.boolean(),
});
export type SegmentView = z.infer<typeof SegmentView>;

export const SchedulesListResponse = z.object({
  items: z.array(
    z.object({
      doctorName: z.string().nullable(),
      doctorTitle: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']).nullable(),
      doctorTitleLabel: z.object({ zh: z.string(), en: z.string(), rank: z.number() }).nullable(),
      departmentName: z.string().nullable(),
      id: z.string(),
      doctorId: z.string(),
      departmentId: z.string(),
      clinicDate: z.string(),
      shiftCode: z.string(),
      startAt: Timestamp,
      endAt: Timestamp,
      level: z.enum(['general', 'expert', 'special']),
      feeFen: z.number(),
      state: z.enum(['open', 'stopped', 'past']),
      bookingClosed: z.boolean(),
      stopReason: z.string().nullable(),
      releaseAt: Timestamp,
      released: z.boolean(),
      total: z.number(),
      remaining: z.number(),
      booked: z.number(),
      full: z.boolean(),
      segments: z.array(SegmentView),
    }),
  ),
});
export type SchedulesListResponse = z.infer<typeof SchedulesListResponse>;

export const DepartmentsScheduleDaysListResponse = z.object({
  items: z.array(
    z.object({ date: z.string(), schedules: z.number(), remaining: z.number(), released: z.boolean() }),
  ),
});
export type DepartmentsScheduleDaysListResponse = z.infer<typeof DepartmentsScheduleDaysListResponse>;

export const AdminShiftsListResponse = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      sort: z.number(),
      nameZh: z.string(),
      nameEn: z.string(),
      startTime: z.string(),
      endTime: z.string(),
    }),
  ),
});
export type AdminShiftsListResponse = z.infer<typeof AdminShiftsListResponse>;

export const AdminShiftsPutResponse = z.object({
  code: z.string(),
  sort: z.number(),
  nameZh: z.string(),
  nameEn: z.string(),
  startTime: z.string(),
  endTime: z.string(),
});
export type AdminShiftsPutResponse = z.infer<typeof AdminShiftsPutResponse>;

export const AdminScheduleTemplatesListResponse = z.object({
  items: z.array(
    z.object({
      departmentId: z.string(),
      doctorId: z.string(),
      id: z.string(),
      enabled: z.boolean(),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      weekdays: z.array(z.number()),
      shiftCode: z.string(),
      segmentMinutes: z.number(),
      slotsPerSegment: z.number(),
      level: z.enum(['general', 'expert', 'special']),
      feeFen: z.number(),
    }),
  ),
});
export type AdminScheduleTemplatesListResponse = z.infer<typeof AdminScheduleTemplatesListResponse>;

export const AdminScheduleTemplatesPostResponse = z.object({
  departmentId: z.string(),
  doctorId: z.string(),
  id: z.string(),
  enabled: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  weekdays: z.array(z.number()),
  shiftCode: z.string(),
  segmentMinutes: z.number(),
  slotsPerSegment: z.number(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
});
export type AdminScheduleTemplatesPostResponse = z.infer<typeof AdminScheduleTemplatesPostResponse>;

export const AdminScheduleTemplatesPatchResponse = z.object({
  departmentId: z.string(),
  doctorId: z.string(),
  id: z.string(),
  enabled: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  weekdays: z.array(z.number()),
  shiftCode: z.string(),
  segmentMinutes: z.number(),
  slotsPerSegment: z.number(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
});
export type AdminScheduleTemplatesPatchResponse = z.infer<typeof AdminScheduleTemplatesPatchResponse>;

export const AdminScheduleTemplatesGeneratePostResponse = z.object({ created: z.number() });
export type AdminScheduleTemplatesGeneratePostResponse = z.infer<
  typeof AdminScheduleTemplatesGeneratePostResponse
>;

export const AdminSchedulesListResponse = z.object({
  items: z.array(
    z.object({
      doctorName: z.string().nullable(),
      doctorTitle: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']).nullable(),
      doctorTitleLabel: z.object({ zh: z.string(), en: z.string(), rank: z.number() }).nullable(),
      departmentName: z.string().nullable(),
      id: z.string(),
      doctorId: z.string(),
      departmentId: z.string(),
      clinicDate: z.string(),
      shiftCode: z.string(),
      startAt: Timestamp,
      endAt: Timestamp,
      level: z.enum(['general', 'expert', 'special']),
      feeFen: z.number(),
      state: z.enum(['open', 'stopped', 'past']),
      bookingClosed: z.boolean(),
      stopReason: z.string().nullable(),
      releaseAt: Timestamp,
      released: z.boolean(),
      total: z.number(),
      remaining: z.number(),
      booked: z.number(),
      full: z.boolean(),
      segments: z.array(SegmentView),
    }),
  ),
});
export type AdminSchedulesListResponse = z.infer<typeof AdminSchedulesListResponse>;

export const AdminSchedulesPostResponse = z.object({
  segments: z.array(
    z.object({
      id: z.string(),
      startAt: Timestamp,
      endAt: Timestamp,
      state: z.enum(['open', 'stopped']),
      stopReason: z.string().nullable(),
      scheduleId: z.string(),
      seq: z.number(),
    }),
  ),
  departmentId: z.string(),
  doctorId: z.string(),
  id: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  shiftCode: z.string(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
  clinicDate: z.string(),
  startAt: Timestamp,
  endAt: Timestamp,
  state: z.enum(['open', 'stopped']),
  stopReason: z.string().nullable(),
  stoppedAt: Timestamp.nullable(),
  templateId: z.string().nullable(),
});
export type AdminSchedulesPostResponse = z.infer<typeof AdminSchedulesPostResponse>;

export const AdminSchedulesGetResponse = z.object({
  id: z.string(),
  doctorId: z.string(),
  departmentId: z.string(),
  clinicDate: z.string(),
  shiftCode: z.string(),
  startAt: Timestamp,
  endAt: Timestamp,
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
  state: z.enum(['open', 'stopped', 'past']),
  bookingClosed: z.boolean(),
  stopReason: z.string().nullable(),
  releaseAt: Timestamp,
  released: z.boolean(),
  total: z.number(),
  remaining: z.number(),
  booked: z.number(),
  full: z.boolean(),
  segments: z.array(SegmentView),
});
export type AdminSchedulesGetResponse = z.infer<typeof AdminSchedulesGetResponse>;

export const AdminSchedulesPatchResponse = z.object({
  departmentId: z.string(),
  doctorId: z.string(),
  id: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  shiftCode: z.string(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
  clinicDate: z.string(),
  startAt: Timestamp,
  endAt: Timestamp,
  state: z.enum(['open', 'stopped']),
  stopReason: z.string().nullable(),
  stoppedAt: Timestamp.nullable(),
  templateId: z.string().nullable(),
});
export type AdminSchedulesPatchResponse = z.infer<typeof AdminSchedulesPatchResponse>;

export const AdminSchedulesExtraSlotsPostResponse = z.object({ numbers: z.array(z.number()) });
export type AdminSchedulesExtraSlotsPostResponse = z.infer<typeof AdminSchedulesExtraSlotsPostResponse>;

export const AdminReleaseRulesListResponse = z.object({
  items: z.array(
    z.object({
      enabled: z.boolean(),
      updatedAt: Timestamp,
      channel: z.enum(['online', 'counter', 'third_party']),
      reservedPercent: z.number(),
      daysAhead: z.number(),
      releaseTime: z.string(),
      sameDayOnlyLevels: z.array(z.enum(['general', 'expert', 'special'])),
    }),
  ),
});
export type AdminReleaseRulesListResponse = z.infer<typeof AdminReleaseRulesListResponse>;

export const AdminReleaseRulesPutResponse = z.object({
  enabled: z.boolean(),
  updatedAt: Timestamp,
  channel: z.enum(['online', 'counter', 'third_party']),
  reservedPercent: z.number(),
  daysAhead: z.number(),
  releaseTime: z.string(),
  sameDayOnlyLevels: z.array(z.enum(['general', 'expert', 'special'])),
});
export type AdminReleaseRulesPutResponse = z.infer<typeof AdminReleaseRulesPutResponse>;
