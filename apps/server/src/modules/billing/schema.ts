import { boolean, date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { BillKind, BillState, ExecutionStatus, BillPaymentState } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { BillKind, BillState, ExecutionStatus, BillPaymentState } from '@qingnang/contracts';

// Mirrors migrations/0700_billing.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** pending → paid (money in) → confirmed (HIS wrote it back) → refunded; paid → pending after a failed write-back. */

export const hisVisits = pgTable('his_visits', {
  id: text('id').primaryKey(),
  channelId: text('channel_id').notNull(),
  visitNo: text('visit_no').notNull(),
  patientIdx: text('patient_idx'),
  visitCardNo: text('visit_card_no'),
  patientName: text('patient_name').notNull(),
  departmentName: text('department_name'),
  doctorName: text('doctor_name'),
  visitDate: date('visit_date', { mode: 'string' }).notNull(),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const bills = pgTable('bills', {
  id: text('id').primaryKey(),
  channelId: text('channel_id').notNull(),
  billNo: text('bill_no').notNull(),
  visitId: text('visit_id').notNull(),
  patientIdx: text('patient_idx'),
  visitCardNo: text('visit_card_no'),
  kind: text('kind').$type<BillKind>().notNull(),
  title: text('title').notNull(),
  amountFen: integer('amount_fen').notNull(),
  execDepartment: text('exec_department').notNull(),
  execLocation: text('exec_location').notNull(),
  scanCode: text('scan_code').notNull().unique(),
  state: text('state').$type<BillState>().notNull(),
  paymentId: text('payment_id'),
  executionStatus: text('execution_status').$type<ExecutionStatus>().notNull().default('none'),
  executedAt: tz('executed_at'),
  /** staff who registered the execution at the PDA (GUIDE-15); null when the HIS reported it */
  executedBy: text('executed_by'),
  invoiced: boolean('invoiced').notNull().default(false),
  hisReceiptNo: text('his_receipt_no'),
  billedAt: tz('billed_at').notNull(),
  paidAt: tz('paid_at'),
  confirmedAt: tz('confirmed_at'),
  refundedAt: tz('refunded_at'),
  refundId: text('refund_id'),
  /** how a refunded bill's money went back (0702): online, original (counter, to the account), cash (counter) */
  refundMethod: text('refund_method').$type<'online' | 'original' | 'cash'>(),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const billItems = pgTable('bill_items', {
  id: text('id').primaryKey(),
  billId: text('bill_id').notNull(),
  seq: integer('seq').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  spec: text('spec'),
  unit: text('unit'),
  quantity: integer('quantity').notNull(),
  unitPriceFen: integer('unit_price_fen').notNull(),
  amountFen: integer('amount_fen').notNull(),
});

export const billPayments = pgTable('bill_payments', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id').notNull(),
  orderId: text('order_id'),
  billIds: text('bill_ids').array().notNull(),
  amountFen: integer('amount_fen').notNull(),
  state: text('state').$type<BillPaymentState>().notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  /** set when an insurance settlement holds the bills (0850_insurance.sql): no cash order of its own */
  settlementNo: text('settlement_no'),
  expiresAt: tz('expires_at').notNull(),
  paidAt: tz('paid_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const billWritebacks = pgTable('bill_writebacks', {
  id: text('id').primaryKey(),
  paymentId: text('payment_id').notNull().unique(),
  /** the cash order; null for an insurance settlement without a cash part */
  orderId: text('order_id'),
  /** the number the HIS knows the payment by when it is not the cash order's (an insurance settlement number) */
  referenceNo: text('reference_no'),
  state: text('state').$type<'pending' | 'done' | 'failed'>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tz('next_attempt_at').notNull(),
  lastError: text('last_error'),
  hisReceiptNo: text('his_receipt_no'),
  refundId: text('refund_id'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

/** MSG-04 (migrations/0971_bill_fee_messages.sql): the new-fee message and the reminder, once per bill. */
export const billFeeMessages = pgTable(
  'bill_fee_messages',
  {
    billId: text('bill_id').notNull(),
    kind: text('kind').$type<'new_fee' | 'reminder'>().notNull(),
    recipients: integer('recipients').notNull(),
    sentAt: tz('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.billId, t.kind] })],
);
