import { boolean, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { CreditAccountState, CreditChargeState } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { CreditAccountState, CreditChargeState } from '@qingnang/contracts';

// Mirrors migrations/0880_credit.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** active ⇄ suspended (overdue, until settled); active → closed (by the patient, nothing owed); closed → active (applies again). */
/** owed → settling (in an open settlement) → settled; settling → owed when the settlement closes unpaid. */

export const creditAccounts = pgTable('credit_accounts', {
  id: text('id').primaryKey(),
  patientId: text('patient_id').notNull().unique(),
  accountId: text('account_id').notNull(),
  state: text('state').$type<CreditAccountState>().notNull(),
  limitFen: integer('limit_fen').notNull(),
  usedFen: integer('used_fen').notNull().default(0),
  agreementNo: text('agreement_no').notNull(),
  activatedAt: tz('activated_at').notNull(),
  suspendedAt: tz('suspended_at'),
  suspendReason: text('suspend_reason'),
  withholdingAgreementNo: text('withholding_agreement_no'),
  withholdingSignedAt: tz('withholding_signed_at'),
  frictionlessEnabled: boolean('frictionless_enabled').notNull().default(false),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const creditCharges = pgTable('credit_charges', {
  id: text('id').primaryKey(),
  creditAccountId: text('credit_account_id').notNull(),
  orderId: text('order_id').notNull().unique(),
  orderNo: text('order_no').notNull(),
  businessType: text('business_type').notNull(),
  subject: text('subject').notNull(),
  amountFen: integer('amount_fen').notNull(),
  refundedFen: integer('refunded_fen').notNull().default(0),
  state: text('state').$type<CreditChargeState>().notNull(),
  settlementId: text('settlement_id'),
  dueAt: tz('due_at').notNull(),
  settledAt: tz('settled_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const creditSettlements = pgTable('credit_settlements', {
  id: text('id').primaryKey(),
  creditAccountId: text('credit_account_id').notNull(),
  accountId: text('account_id').notNull(),
  orderId: text('order_id'),
  amountFen: integer('amount_fen').notNull(),
  chargeIds: text('charge_ids').array().notNull(),
  state: text('state').$type<'open' | 'paid' | 'closed'>().notNull(),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
  paidAt: tz('paid_at'),
});

export const creditRefunds = pgTable('credit_refunds', {
  refundNo: text('refund_no').primaryKey(),
  chargeId: text('charge_id').notNull(),
  amountFen: integer('amount_fen').notNull(),
  settlementRefundId: text('settlement_refund_id'),
  createdAt: tz('created_at').notNull(),
});

export const creditReminders = pgTable('credit_reminders', {
  creditAccountId: text('credit_account_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  sentAt: tz('sent_at').notNull(),
});
