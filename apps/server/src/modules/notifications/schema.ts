import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { NotificationChannel as Channel, DeliveryState } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { NotificationChannel as Channel, DeliveryState } from '@qingnang/contracts';

// Mirrors migrations/0150_notifications.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type OutsideChannel = Exclude<Channel, 'inapp'>;

export const messages = pgTable('messages', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull(),
  template: text('template').notNull(),
  category: text('category').notNull(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  bodyZh: text('body_zh').notNull(),
  bodyEn: text('body_en').notNull(),
  link: text('link'),
  createdAt: tz('created_at').notNull(),
  readAt: tz('read_at'),
});

export const notificationDeliveries = pgTable('notification_deliveries', {
  id: text('id').primaryKey(),
  messageId: text('message_id').notNull(),
  accountId: text('account_id').notNull(),
  channel: text('channel').$type<OutsideChannel>().notNull(),
  template: text('template').notNull(),
  state: text('state').$type<DeliveryState>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tz('next_attempt_at').notNull(),
  lastError: text('last_error'),
  providerMessageId: text('provider_message_id'),
  createdAt: tz('created_at').notNull(),
  sentAt: tz('sent_at'),
  updatedAt: tz('updated_at').notNull(),
});

export const smsMessages = pgTable('sms_messages', {
  id: text('id').primaryKey(),
  provider: text('provider').notNull(),
  phoneEnc: text('phone_enc').notNull(),
  phoneIdx: text('phone_idx').notNull(),
  phoneMasked: text('phone_masked').notNull(),
  template: text('template').notNull(),
  content: text('content').notNull(),
  createdAt: tz('created_at').notNull(),
});
