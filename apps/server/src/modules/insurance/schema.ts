import { boolean, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { InsuranceSettlementKind, InsuranceSettlementState } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { InsuranceSettlementKind, InsuranceSettlementState } from '@qingnang/contracts';

// Mirrors migrations/0850_insurance.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Where the insurance platform stands: 'unknown' after a settle call whose answer was lost. */
export type InsurancePartState = 'none' | 'unknown' | 'settled' | 'cancelled' | 'refunded';

export const insuranceCredentials = pgTable('insurance_credentials', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id').notNull().unique(),
  personIdx: text('person_idx').notNull(),
  holderName: text('holder_name').notNull(),
  insuredNo: text('insured_no').notNull(),
  insuranceType: text('insurance_type').$type<'employee' | 'resident'>().notNull(),
  areaCode: text('area_code').notNull(),
  areaName: text('area_name').notNull(),
  ecTokenEnc: text('ec_token_enc').notNull(),
  tokenExpiresAt: tz('token_expires_at').notNull(),
  state: text('state').$type<'active' | 'revoked'>().notNull(),
  socialCardNoEnc: text('social_card_no_enc'),
  socialCardNoMasked: text('social_card_no_masked'),
  socialCardBoundAt: tz('social_card_bound_at'),
  authorisedAt: tz('authorised_at').notNull(),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const insuranceSettlements = pgTable('insurance_settlements', {
  id: text('id').primaryKey(),
  settlementNo: text('settlement_no').notNull().unique(),
  kind: text('kind').$type<InsuranceSettlementKind>().notNull(),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id').notNull(),
  credentialId: text('credential_id').notNull(),
  billIds: text('bill_ids').array().notNull(),
  billPaymentId: text('bill_payment_id'),
  registrationId: text('registration_id'),
  useAccount: boolean('use_account').notNull(),
  totalFen: integer('total_fen').notNull(),
  fundFen: integer('fund_fen').notNull(),
  accountFen: integer('account_fen').notNull(),
  cashFen: integer('cash_fen').notNull(),
  state: text('state').$type<InsuranceSettlementState>().notNull(),
  insuranceState: text('insurance_state').$type<InsurancePartState>().notNull().default('none'),
  preExpiresAt: tz('pre_expires_at').notNull(),
  cashOrderId: text('cash_order_id'),
  cashPaid: boolean('cash_paid').notNull().default(false),
  cashRefundIds: text('cash_refund_ids').array().notNull().default([]),
  reason: text('reason'),
  lastError: text('last_error'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tz('next_attempt_at'),
  requestedBy: text('requested_by'),
  settledAt: tz('settled_at'),
  closedAt: tz('closed_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const insuranceSettlementBills = pgTable(
  'insurance_settlement_bills',
  {
    settlementId: text('settlement_id').notNull(),
    billId: text('bill_id').notNull(),
    billNo: text('bill_no').notNull(),
    totalFen: integer('total_fen').notNull(),
    fundFen: integer('fund_fen').notNull(),
    accountFen: integer('account_fen').notNull(),
    cashFen: integer('cash_fen').notNull(),
  },
  (t) => [primaryKey({ columns: [t.settlementId, t.billId] })],
);
