import { bigint, boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { PrescriptionState, PrescriptionKind } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { PrescriptionState, PrescriptionKind } from '@qingnang/contracts';

// Mirrors migrations/0950_pharmacy_prescriptions.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const fen = (name: string) => bigint(name, { mode: 'number' });

/** The list is defined with the API contracts (a request's zod enum is built from it). */
export { PRESCRIPTION_STATES } from '@qingnang/contracts';

export interface PrescriptionDiagnosis {
  code: string;
  name: string;
}

export interface PrescriptionItem {
  drugCode: string;
  name: string;
  spec: string;
  dosageForm: string | null;
  quantity: number;
  unit: string;
  unitPriceFen: number;
  amountFen: number;
  dose: string | null;
  frequency: string | null;
  route: string | null;
  days: number | null;
  dualChannel: boolean;
}

export const prescriptions = pgTable('prescriptions', {
  id: text('id').primaryKey(),
  channelId: text('channel_id').notNull(),
  hisRxNo: text('his_rx_no').notNull(),
  contentHash: text('content_hash').notNull(),
  visitNo: text('visit_no'),
  patientId: text('patient_id').notNull(),
  personIdx: text('person_idx').notNull(),
  visitCardNo: text('visit_card_no').notNull(),
  patientName: text('patient_name').notNull(),
  doctorCode: text('doctor_code').notNull(),
  doctorName: text('doctor_name').notNull(),
  insuranceDoctorCode: text('insurance_doctor_code').notNull(),
  departmentCode: text('department_code').notNull(),
  departmentName: text('department_name').notNull(),
  issuedAt: tz('issued_at').notNull(),
  validDays: integer('valid_days').notNull(),
  validUntil: tz('valid_until').notNull(),
  kind: text('kind').$type<PrescriptionKind>().notNull(),
  specialDiseaseCode: text('special_disease_code'),
  specialDiseaseName: text('special_disease_name'),
  diagnoses: jsonb('diagnoses').$type<PrescriptionDiagnosis[]>().notNull(),
  items: jsonb('items').$type<PrescriptionItem[]>().notNull(),
  itemCount: integer('item_count').notNull(),
  totalFen: fen('total_fen').notNull(),
  dualChannel: boolean('dual_channel').notNull(),
  reviewedBy: text('reviewed_by'),
  state: text('state').$type<PrescriptionState>().notNull(),
  version: integer('version').notNull().default(0),
  hiRxNo: text('hi_rx_no'),
  traceCode: text('trace_code'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tz('next_attempt_at'),
  lastError: text('last_error'),
  rejectCode: text('reject_code'),
  rejectReason: text('reject_reason'),
  fillWhere: text('fill_where').$type<'retail' | 'hospital'>(),
  pharmacyCode: text('pharmacy_code'),
  pharmacyName: text('pharmacy_name'),
  pharmacyAddress: text('pharmacy_address'),
  pharmacyPhone: text('pharmacy_phone'),
  pharmacyDualChannel: boolean('pharmacy_dual_channel'),
  pickupCode: text('pickup_code'),
  nextPollAt: tz('next_poll_at'),
  dispensedAt: tz('dispensed_at'),
  dispensedPharmacyName: text('dispensed_pharmacy_name'),
  settlementNo: text('settlement_no'),
  settledTotalFen: fen('settled_total_fen'),
  fundFen: fen('fund_fen'),
  accountFen: fen('account_fen'),
  cashFen: fen('cash_fen'),
  revokeReason: text('revoke_reason'),
  closedAt: tz('closed_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const prescriptionEvents = pgTable('prescription_events', {
  id: text('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  prescriptionId: text('prescription_id').notNull(),
  at: tz('at').notNull(),
  kind: text('kind').notNull(),
  actor: text('actor').notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>(),
});
