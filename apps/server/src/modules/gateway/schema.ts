import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// Mirrors migrations/0650_gateway.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const INTEGRATION_OPERATIONS = [
  'slots.query',
  'slots.lock',
  'registrations.confirm',
  'registrations.cancel',
  'his.admissions.push',
  'his.inpatient-charges.push',
  'his.discharge.push',
  'his.discharge-reversal.push',
  'lis.reports.push',
  'pacs.reports.push',
  'his.visits.push',
  'his.bills.push',
  'his.execution.push',
  'einvoice.printed.push',
  'einvoice.query',
  'exam.bookings.push',
  'his.prescriptions.push',
] as const;
export type IntegrationOperation = (typeof INTEGRATION_OPERATIONS)[number];

export const CHANNEL_KINDS = ['his_counter', 'booking_platform', 'pharmacy', 'other'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const integrationChannels = pgTable('integration_channels', {
  id: text('id').primaryKey(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  kind: text('kind').$type<ChannelKind>().notNull(),
  appId: text('app_id').notNull().unique(),
  secretEnc: text('secret_enc').notNull(),
  secretRotatedAt: tz('secret_rotated_at').notNull(),
  allowedOperations: text('allowed_operations').array().$type<IntegrationOperation[]>().notNull(),
  allowedFrom: text('allowed_from'),
  allowedUntil: text('allowed_until'),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
  deletedAt: tz('deleted_at'),
});

export const integrationNonces = pgTable('integration_nonces', {
  channelId: text('channel_id').notNull(),
  nonce: text('nonce').notNull(),
  seenAt: tz('seen_at').notNull(),
});

export const integrationRegistrations = pgTable('integration_registrations', {
  registrationId: text('registration_id').primaryKey(),
  channelId: text('channel_id').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const integrationCalls = pgTable('integration_calls', {
  id: text('id').primaryKey(),
  channelId: text('channel_id'),
  appId: text('app_id'),
  operation: text('operation'),
  method: text('method').notNull(),
  path: text('path').notNull(),
  outcome: text('outcome').notNull(),
  status: integer('status').notNull(),
  at: tz('at').notNull(),
  durationMs: integer('duration_ms'),
  requestId: text('request_id'),
  ip: text('ip'),
});
