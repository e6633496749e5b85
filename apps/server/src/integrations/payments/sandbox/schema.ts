import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { ChannelCode } from '../../../modules/payments/index.js';

// The sandbox payment channel's own tables (its simulated merchant platform) and the keys the platform
// generates for its own channels. Mirrors migrations/0500_payments.sql and later payments migrations;
// the tables keep their names.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const sandboxTransactions = pgTable('sandbox_transactions', {
  outTradeNo: text('out_trade_no').primaryKey(),
  transactionId: text('transaction_id').unique(),
  amountFen: integer('amount_fen').notNull(),
  subject: text('subject').notNull(),
  payerRef: text('payer_ref'),
  state: text('state').$type<'NOTPAY' | 'SUCCESS' | 'PAYERROR' | 'CLOSED'>().notNull(),
  refundedFen: integer('refunded_fen').notNull().default(0),
  expiresAt: tz('expires_at').notNull(),
  createdAt: tz('created_at').notNull(),
  paidAt: tz('paid_at'),
  closedAt: tz('closed_at'),
});

export const sandboxRefunds = pgTable('sandbox_refunds', {
  outRefundNo: text('out_refund_no').primaryKey(),
  outTradeNo: text('out_trade_no').notNull(),
  refundId: text('refund_id').notNull().unique(),
  amountFen: integer('amount_fen').notNull(),
  state: text('state').$type<'SUCCESS'>().notNull(),
  createdAt: tz('created_at').notNull(),
});

export const sandboxNotifications = pgTable('sandbox_notifications', {
  id: text('id').primaryKey(),
  outTradeNo: text('out_trade_no').notNull(),
  body: text('body').notNull(),
  createdAt: tz('created_at').notNull(),
  deliveredAt: tz('delivered_at'),
  attempts: integer('attempts').notNull().default(0),
});

/** Keys the platform generates once per installation for its own channels (the sandbox's notification key). */
export const paymentChannelSecrets = pgTable('payment_channel_secrets', {
  channel: text('channel').$type<ChannelCode>().primaryKey(),
  secret: text('secret').notNull(),
  createdAt: tz('created_at').notNull(),
});
