import {
  bigint,
  boolean,
  date,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type {
  AdmissionState,
  DischargeSettlementState as SettlementState,
  DepositState,
  HisWriteState,
} from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type {
  AdmissionState,
  DischargeSettlementState as SettlementState,
  DepositState,
  HisWriteState,
} from '@qingnang/contracts';

// Mirrors migrations/0800_inpatient.sql and 0970_inpatient_settlement_reversal.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const fen = (name: string) => bigint(name, { mode: 'number' });

export interface Diagnosis {
  code?: string;
  name: string;
}
export interface Operation {
  code?: string;
  name: string;
  performedAt?: string;
}

export const inpatientAdmissions = pgTable('inpatient_admissions', {
  id: text('id').primaryKey(),
  admissionNo: text('admission_no').notNull().unique(),
  nameIdx: text('name_idx').notNull(),
  nameMasked: text('name_masked').notNull(),
  idNumberIdx: text('id_number_idx'),
  visitCardNo: text('visit_card_no'),
  resolvedPatientId: text('resolved_patient_id'),
  ward: text('ward').notNull(),
  bed: text('bed'),
  attendingDoctor: text('attending_doctor'),
  diagnoses: jsonb('diagnoses').$type<Diagnosis[]>().notNull().default([]),
  operations: jsonb('operations').$type<Operation[]>().notNull().default([]),
  admittedAt: tz('admitted_at').notNull(),
  dischargedAt: tz('discharged_at'),
  totalCostFen: fen('total_cost_fen'),
  state: text('state').$type<AdmissionState>().notNull().default('admitted'),
  settlementState: text('settlement_state').$type<SettlementState>().notNull().default('none'),
  depositsFen: fen('deposits_fen').notNull().default(0),
  chargesFen: fen('charges_fen').notNull().default(0),
  lowBalanceAlerted: boolean('low_balance_alerted').notNull().default(false),
  /** 0970: which settlement of the stay this is (a reversal by the HIS starts the next one) */
  settlementGeneration: integer('settlement_generation').notNull().default(0),
  /** 0970: remainder paid online at this generation's settlement */
  settlementPaidFen: fen('settlement_paid_fen').notNull().default(0),
  /** 0970: surplus refunded at this generation's settlement */
  surplusRefundedFen: fen('surplus_refunded_fen').notNull().default(0),
  settlementReversedAt: tz('settlement_reversed_at'),
  settlementReversalReason: text('settlement_reversal_reason'),
  /** 0973: the HIS's number of the last reversal (a retried push is a repeat) */
  settlementReversalNo: text('settlement_reversal_no'),
  sourceChannelId: text('source_channel_id'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const inpatientBindings = pgTable('inpatient_bindings', {
  id: text('id').primaryKey(),
  admissionId: text('admission_id').notNull(),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const inpatientBindFailures = pgTable('inpatient_bind_failures', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull(),
  at: tz('at').notNull(),
});

export const inpatientCharges = pgTable('inpatient_charges', {
  id: text('id').primaryKey(),
  admissionId: text('admission_id').notNull(),
  hisLineId: text('his_line_id').notNull(),
  chargeDate: date('charge_date', { mode: 'string' }).notNull(),
  itemCode: text('item_code'),
  itemName: text('item_name').notNull(),
  category: text('category'),
  quantity: numeric('quantity', { precision: 12, scale: 3 }).notNull(),
  unit: text('unit'),
  amountFen: fen('amount_fen').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const inpatientDeposits = pgTable('inpatient_deposits', {
  id: text('id').primaryKey(),
  admissionId: text('admission_id').notNull(),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id').notNull(),
  amountFen: fen('amount_fen').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  paymentOrderId: text('payment_order_id').unique(),
  state: text('state').$type<DepositState>().notNull().default('pending'),
  paidAt: tz('paid_at'),
  hisState: text('his_state').$type<HisWriteState>().notNull().default('pending'),
  hisAttempts: integer('his_attempts').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const inpatientSettlementRefunds = pgTable('inpatient_settlement_refunds', {
  id: text('id').primaryKey(),
  admissionId: text('admission_id').notNull(),
  depositId: text('deposit_id').notNull(),
  paymentOrderId: text('payment_order_id').notNull(),
  amountFen: fen('amount_fen').notNull(),
  refundKey: text('refund_key').notNull().unique(),
  refundId: text('refund_id'),
  state: text('state').notNull().default('requested'),
  createdAt: tz('created_at').notNull(),
});

export const inpatientDailyListSends = pgTable(
  'inpatient_daily_list_sends',
  {
    admissionId: text('admission_id').notNull(),
    listDate: date('list_date', { mode: 'string' }).notNull(),
    totalFen: fen('total_fen').notNull(),
    sentAt: tz('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.admissionId, t.listDate] })],
);
