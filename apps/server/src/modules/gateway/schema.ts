import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { CHANNEL_KINDS, INTEGRATION_OPERATIONS } from '@qingnang/contracts';

// Mirrors migrations/0650_gateway.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// The lists are part of the API contract (packages/contracts), shared with the console.
export { INTEGRATION_OPERATIONS, CHANNEL_KINDS } from '@qingnang/contracts';
export type IntegrationOperation = (typeof INTEGRATION_OPERATIONS)[number];

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
