import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { ChannelCode, PaymentOrderState, RefundState } from './contract.js';

// Mirrors migrations/0500_payments.sql and 1020_payments_notification_abnormal.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type BusinessStepState = 'pending' | 'running' | 'done' | 'failed';

export const paymentOrders = pgTable('payment_orders', {
  id: text('id').primaryKey(),
  orderNo: text('order_no').notNull().unique(),
  businessType: text('business_type').notNull(),
  businessId: text('business_id').notNull(),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id'),
  subject: text('subject').notNull(),
  amountFen: integer('amount_fen').notNull(),
  refundReservedFen: integer('refund_reserved_fen').notNull().default(0),
  refundedFen: integer('refunded_fen').notNull().default(0),
  state: text('state').$type<PaymentOrderState>().notNull(),
  channel: text('channel').$type<ChannelCode>(),
  channelTradeNo: text('channel_trade_no'),
  payStartedAt: tz('pay_started_at'),
  expiresAt: tz('expires_at').notNull(),
  paidAt: tz('paid_at'),
  closedAt: tz('closed_at'),
  closeReason: text('close_reason'),
  businessState: text('business_state').$type<BusinessStepState>().notNull().default('pending'),
  businessClaimedAt: tz('business_claimed_at'),
  abnormal: boolean('abnormal').notNull().default(false),
  abnormalReason: text('abnormal_reason'),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const paymentNotifications = pgTable('payment_notifications', {
  id: text('id').primaryKey(),
  channel: text('channel').notNull(),
  kind: text('kind').$type<'payment' | 'refund'>().notNull(),
  channelNotificationId: text('channel_notification_id'),
  orderNo: text('order_no'),
  refundNo: text('refund_no'),
  channelTradeNo: text('channel_trade_no'),
  amountFen: integer('amount_fen'),
  verified: boolean('verified').notNull(),
  outcome: text('outcome').notNull(),
  receivedAt: tz('received_at').notNull(),
});

export const refunds = pgTable('refunds', {
  id: text('id').primaryKey(),
  refundNo: text('refund_no').notNull().unique(),
  orderId: text('order_id').notNull(),
  amountFen: integer('amount_fen').notNull(),
  state: text('state').$type<RefundState>().notNull(),
  reason: text('reason').notNull(),
  refundKey: text('refund_key').notNull().unique(),
  requestedBy: text('requested_by').notNull(),
  attempts: integer('attempts').notNull().default(0),
  channelRefundId: text('channel_refund_id'),
  lastError: text('last_error'),
  lastAttemptAt: tz('last_attempt_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
  completedAt: tz('completed_at'),
});

export const abnormalOrders = pgTable('abnormal_orders', {
  id: text('id').primaryKey(),
  /** null when a channel reported a trade for no order of ours: the columns below say what it reported */
  orderId: text('order_id'),
  channel: text('channel').$type<ChannelCode>(),
  orderNo: text('order_no'),
  channelTradeNo: text('channel_trade_no'),
  amountFen: integer('amount_fen'),
  reason: text('reason').notNull(),
  detail: text('detail'),
  status: text('status').$type<'open' | 'resolved'>().notNull().default('open'),
  resolutionNote: text('resolution_note'),
  resolvedBy: text('resolved_by'),
  resolvedAt: tz('resolved_at'),
  createdAt: tz('created_at').notNull(),
});
