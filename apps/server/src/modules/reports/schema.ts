import { doublePrecision, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { ReportKind, ReportStatus, ReportSetting, ResultFlag as Flag } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { ReportKind, ReportStatus, ReportSetting, ResultFlag as Flag } from '@qingnang/contracts';

// Mirrors migrations/0750_reports.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The lists are defined with the API contracts (a request's zod enums are built from them). */
export { FLAGS, REPORT_KINDS, REPORT_SETTINGS, REPORT_STATUSES } from '@qingnang/contracts';
export type ReportSource = 'lis' | 'pacs';

export const reports = pgTable('reports', {
  id: text('id').primaryKey(),
  source: text('source').$type<ReportSource>().notNull(),
  reportNo: text('report_no').notNull(),
  kind: text('kind').$type<ReportKind>().notNull(),
  patientId: text('patient_id'),
  personIdx: text('person_idx'),
  visitCardNo: text('visit_card_no'),
  patientName: text('patient_name').notNull(),
  title: text('title').notNull(),
  department: text('department'),
  setting: text('setting').$type<ReportSetting>().notNull(),
  orderedAt: tz('ordered_at'),
  reportedAt: tz('reported_at'),
  status: text('status').$type<ReportStatus>().notNull(),
  conclusion: text('conclusion'),
  imageStudyUid: text('image_study_uid'),
  notifiedAt: tz('notified_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const reportObservations = pgTable('report_observations', {
  id: text('id').primaryKey(),
  reportId: text('report_id').notNull(),
  seq: integer('seq').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  valueNum: doublePrecision('value_num'),
  valueText: text('value_text'),
  unit: text('unit'),
  refLow: doublePrecision('ref_low'),
  refHigh: doublePrecision('ref_high'),
  refText: text('ref_text'),
  flag: text('flag').$type<Flag>(),
  observedAt: tz('observed_at'),
  /** 0752: the department part of a physical-exam report this value belongs to */
  section: text('section'),
});

export const indicatorKb = pgTable('indicator_kb', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  aliases: text('aliases').array().notNull(),
  category: text('category').notNull(),
  unit: text('unit'),
  meaning: text('meaning').notNull(),
  highMeaning: text('high_meaning'),
  lowMeaning: text('low_meaning'),
  advice: text('advice'),
  updatedBy: text('updated_by'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const examAccessCodes = pgTable('exam_access_codes', {
  id: text('id').primaryKey(),
  reportId: text('report_id').notNull(),
  codeHash: text('code_hash').notNull(),
  attempts: integer('attempts').notNull(),
  expiresAt: tz('expires_at').notNull(),
  consumedAt: tz('consumed_at'),
  createdAt: tz('created_at').notNull(),
});

// Mirrors migrations/0751_reports_imaging_authorisation.sql.
export const imagingAuthorisations = pgTable('imaging_authorisations', {
  patientId: text('patient_id').primaryKey(),
  accountId: text('account_id').notNull(),
  grantedAt: tz('granted_at').notNull(),
  revokedAt: tz('revoked_at'),
});

// Mirrors migrations/0752_reports_sections.sql.
export const reportSections = pgTable('report_sections', {
  reportId: text('report_id').notNull(),
  seq: integer('seq').notNull(),
  name: text('name').notNull(),
  conclusion: text('conclusion'),
});
