/** Response schemas of the scheduling module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { Timestamp, id, isoDate } from './common.js';

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

/** One schedule with its slots left, as the console opens it. */
export const ScheduleDetail = z.object({
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
export type ScheduleDetail = z.infer<typeof ScheduleDetail>;

/** One schedule (a doctor's clinic on a day and shift) with its slots left. */
export const ScheduleView = z.object({
  doctorName: z.string().nullable(),
  doctorTitle: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']).nullable(),
  doctorTitleLabel: z.object({ zh: z.string(), en: z.string(), rank: z.number() }).nullable(),
  departmentName: z.string().nullable(),
  ...ScheduleDetail.shape,
});
export type ScheduleView = z.infer<typeof ScheduleView>;

export const SchedulesListResponse = z.object({ items: z.array(ScheduleView) });
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

/** One schedule template. */
export const ScheduleTemplateView = z.object({
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
export type ScheduleTemplateView = z.infer<typeof ScheduleTemplateView>;

export const AdminScheduleTemplatesListResponse = z.object({
  items: z.array(ScheduleTemplateView),
});
export type AdminScheduleTemplatesListResponse = z.infer<typeof AdminScheduleTemplatesListResponse>;

export const AdminScheduleTemplatesPostResponse = ScheduleTemplateView;
export type AdminScheduleTemplatesPostResponse = z.infer<typeof AdminScheduleTemplatesPostResponse>;

export const AdminScheduleTemplatesPatchResponse = ScheduleTemplateView;
export type AdminScheduleTemplatesPatchResponse = z.infer<typeof AdminScheduleTemplatesPatchResponse>;

export const AdminScheduleTemplatesGeneratePostResponse = z.object({ created: z.number() });
export type AdminScheduleTemplatesGeneratePostResponse = z.infer<
  typeof AdminScheduleTemplatesGeneratePostResponse
>;

export const AdminSchedulesListResponse = SchedulesListResponse;
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

export const AdminSchedulesGetResponse = ScheduleDetail;
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

// ------------------------------------------------------------ request schemas

const dateString = isoDate;
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:mm');
const level = z.enum(['general', 'expert', 'special']);
const channel = z.enum(['online', 'counter', 'third_party']);
const fee = z.number().int().min(0).max(10_000_000);

const templateBody = z
  .object({
    doctorId: id,
    departmentId: id,
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    shiftCode: z.string().min(2).max(32),
    segmentMinutes: z.number().int().min(5).max(720),
    slotsPerSegment: z.number().int().min(1).max(500),
    level,
    feeFen: fee,
    enabled: z.boolean().default(true),
  })
  .strict();

/** POST /v1/admin/schedule-templates: body. */
export const SchedulingAdminScheduleTemplatesPostBody = templateBody;

/** GET /v1/schedules: query. */
export const SchedulingSchedulesQuery = z
  .object({
    departmentId: id.optional(),
    doctorId: id.optional(),
    date: dateString.optional(),
    from: dateString.optional(),
    to: dateString.optional(),
  })
  .strict();

/** GET /v1/departments/:id/schedule-days: params. */
export const SchedulingDepartmentsScheduleDaysParams = z.object({ id });

/** PUT /v1/admin/shifts/:code: params. */
export const SchedulingAdminShiftsPutParams = z.object({ code: z.string().regex(/^[a-z_]{2,32}$/) });

/** PUT /v1/admin/shifts/:code: body. */
export const SchedulingAdminShiftsPutBody = z
  .object({
    nameZh: z.string().min(1).max(20),
    nameEn: z.string().min(1).max(40),
    startTime: hhmm,
    endTime: hhmm,
    sort: z.number().int().min(0).max(100).default(0),
  })
  .strict();

/** GET /v1/admin/schedule-templates: query. */
export const SchedulingAdminScheduleTemplatesQuery = z.object({
  departmentId: id.optional(),
  doctorId: id.optional(),
});

/** PATCH /v1/admin/schedule-templates/:id: params. */
export const SchedulingAdminScheduleTemplatesPatchParams = z.object({ id });

/** PATCH /v1/admin/schedule-templates/:id: body. */
export const SchedulingAdminScheduleTemplatesPatchBody = templateBody
  .omit({ doctorId: true, departmentId: true })
  .partial()
  .strict();

/** DELETE /v1/admin/schedule-templates/:id: params. */
export const SchedulingAdminScheduleTemplatesDeleteParams = z.object({ id });

/** POST /v1/admin/schedule-templates/generate: body. */
export const SchedulingAdminScheduleTemplatesGeneratePostBody = z
  .object({ weeks: z.number().int().min(1).max(12).optional() })
  .strict();

/** GET /v1/admin/schedules: query. */
export const SchedulingAdminSchedulesQuery = z
  .object({
    departmentId: id.optional(),
    doctorId: id.optional(),
    from: dateString,
    to: dateString,
  })
  .strict();

/** POST /v1/admin/schedules: body. */
export const SchedulingAdminSchedulesPostBody = z
  .object({
    doctorId: id,
    departmentId: id,
    clinicDate: dateString,
    shiftCode: z.string().min(2).max(32),
    segmentMinutes: z.number().int().min(5).max(720),
    slotsPerSegment: z.number().int().min(1).max(500),
    level,
    feeFen: fee,
  })
  .strict();

/** GET /v1/admin/schedules/:id: params. */
export const SchedulingAdminSchedulesParams = z.object({ id });

/** PATCH /v1/admin/schedules/:id: params. */
export const SchedulingAdminSchedulesPatchParams = z.object({ id });

/** PATCH /v1/admin/schedules/:id: body. */
export const SchedulingAdminSchedulesPatchBody = z
  .object({ level: level.optional(), feeFen: fee.optional() })
  .strict();

/** POST /v1/admin/schedules/:id/extra-slots: params. */
export const SchedulingAdminSchedulesExtraSlotsPostParams = z.object({ id });

/** POST /v1/admin/schedules/:id/extra-slots: body. */
export const SchedulingAdminSchedulesExtraSlotsPostBody = z
  .object({
    segmentId: id,
    count: z.number().int().min(1).max(50),
    channel: z.enum(['shared', 'online', 'counter', 'third_party']).default('shared'),
  })
  .strict();

/** PUT /v1/admin/release-rules/:channel: params. */
export const SchedulingAdminReleaseRulesPutParams = z.object({ channel });

/** PUT /v1/admin/release-rules/:channel: body. */
export const SchedulingAdminReleaseRulesPutBody = z
  .object({
    reservedPercent: z.number().int().min(0).max(100).optional(),
    daysAhead: z.number().int().min(0).max(90).optional(),
    releaseTime: hhmm.optional(),
    sameDayOnlyLevels: z.array(level).max(3).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
