import { boolean, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type {
  BookingChannel,
  SlotBucket,
  SlotState,
  ScheduleState,
  Level as RegistrationLevel,
} from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type {
  BookingChannel,
  SlotBucket,
  SlotState,
  ScheduleState,
  Level as RegistrationLevel,
} from '@qingnang/contracts';

// Mirrors migrations/0400_scheduling.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const shifts = pgTable('shifts', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  startTime: text('start_time').notNull(),
  endTime: text('end_time').notNull(),
  sort: integer('sort').notNull().default(0),
});

export const scheduleTemplates = pgTable('schedule_templates', {
  id: text('id').primaryKey(),
  doctorId: text('doctor_id').notNull(),
  departmentId: text('department_id').notNull(),
  weekdays: integer('weekdays').array().notNull(),
  shiftCode: text('shift_code').notNull(),
  segmentMinutes: integer('segment_minutes').notNull(),
  slotsPerSegment: integer('slots_per_segment').notNull(),
  level: text('level').$type<RegistrationLevel>().notNull(),
  feeFen: integer('fee_fen').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const schedules = pgTable('schedules', {
  id: text('id').primaryKey(),
  doctorId: text('doctor_id').notNull(),
  departmentId: text('department_id').notNull(),
  clinicDate: date('clinic_date', { mode: 'string' }).notNull(),
  shiftCode: text('shift_code').notNull(),
  startAt: tz('start_at').notNull(),
  endAt: tz('end_at').notNull(),
  level: text('level').$type<RegistrationLevel>().notNull(),
  feeFen: integer('fee_fen').notNull(),
  state: text('state').$type<ScheduleState>().notNull(),
  stopReason: text('stop_reason'),
  stoppedAt: tz('stopped_at'),
  templateId: text('template_id'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const scheduleSegments = pgTable('schedule_segments', {
  id: text('id').primaryKey(),
  scheduleId: text('schedule_id').notNull(),
  seq: integer('seq').notNull(),
  startAt: tz('start_at').notNull(),
  endAt: tz('end_at').notNull(),
  state: text('state').$type<ScheduleState>().notNull(),
  stopReason: text('stop_reason'),
});

export const slots = pgTable('slots', {
  id: text('id').primaryKey(),
  scheduleId: text('schedule_id').notNull(),
  segmentId: text('segment_id').notNull(),
  number: integer('number').notNull(),
  channel: text('channel').$type<SlotBucket>().notNull(),
  state: text('state').$type<SlotState>().notNull(),
  registrationId: text('registration_id'),
  lockExpiresAt: tz('lock_expires_at'),
  isExtra: boolean('is_extra').notNull().default(false),
  updatedAt: tz('updated_at').notNull(),
});

export const releaseRules = pgTable('release_rules', {
  channel: text('channel').$type<BookingChannel>().primaryKey(),
  reservedPercent: integer('reserved_percent').notNull().default(0),
  daysAhead: integer('days_ahead').notNull(),
  releaseTime: text('release_time').notNull(),
  sameDayOnlyLevels: text('same_day_only_levels').array().$type<RegistrationLevel[]>().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  updatedAt: tz('updated_at').notNull(),
});
