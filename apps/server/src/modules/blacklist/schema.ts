import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { BlacklistTrigger, BlacklistSource } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { BlacklistTrigger, BlacklistSource } from '@qingnang/contracts';

// Mirrors migrations/0600_blacklist.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const blacklistRules = pgTable('blacklist_rules', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  triggerKind: text('trigger_kind').$type<BlacklistTrigger>().notNull(),
  threshold: integer('threshold').notNull(),
  periodDays: integer('period_days').notNull(),
  banDays: integer('ban_days').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
  deletedAt: tz('deleted_at'),
});

export const blacklistEntries = pgTable('blacklist_entries', {
  id: text('id').primaryKey(),
  patientId: text('patient_id').notNull(),
  /** blind index of the patient's ID number: the ban follows the person (0601) */
  personIdx: text('person_idx'),
  reason: text('reason').notNull(),
  source: text('source').$type<BlacklistSource>().notNull(),
  ruleId: text('rule_id'),
  startsAt: tz('starts_at').notNull(),
  endsAt: tz('ends_at').notNull(),
  createdBy: text('created_by'),
  createdAt: tz('created_at').notNull(),
  liftedAt: tz('lifted_at'),
  liftedBy: text('lifted_by'),
  liftReason: text('lift_reason'),
});
