import { boolean, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { BookingChannel, RegistrationLevel } from '../scheduling/index.js';
import type { RegistrationState, BusinessRefundState as RegistrationRefundState } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { RegistrationState, BusinessRefundState as RegistrationRefundState } from '@qingnang/contracts';

// Mirrors migrations/0450_registration.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const registrations = pgTable('registrations', {
  id: text('id').primaryKey(),
  channel: text('channel').$type<BookingChannel>().notNull(),
  accountId: text('account_id'),
  patientId: text('patient_id'),
  patientRef: text('patient_ref'),
  patientName: text('patient_name').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  scheduleId: text('schedule_id').notNull(),
  segmentId: text('segment_id').notNull(),
  slotId: text('slot_id').notNull(),
  slotNumber: integer('slot_number').notNull(),
  doctorId: text('doctor_id').notNull(),
  departmentId: text('department_id').notNull(),
  clinicDate: date('clinic_date', { mode: 'string' }).notNull(),
  shiftCode: text('shift_code').notNull(),
  segmentStartAt: tz('segment_start_at').notNull(),
  segmentEndAt: tz('segment_end_at').notNull(),
  sessionEndAt: tz('session_end_at').notNull(),
  level: text('level').$type<RegistrationLevel>().notNull(),
  feeFen: integer('fee_fen').notNull(),
  state: text('state').$type<RegistrationState>().notNull(),
  lockExpiresAt: tz('lock_expires_at'),
  paymentOrderId: text('payment_order_id'),
  paidExternally: boolean('paid_externally').notNull().default(false),
  /** INS-09: paid from the insurance personal account by this settlement (0851_insurance_registration.sql) */
  insuranceSettlementNo: text('insurance_settlement_no'),
  paidAt: tz('paid_at'),
  bookedAt: tz('booked_at'),
  checkedInAt: tz('checked_in_at'),
  queueNumber: integer('queue_number'),
  completedAt: tz('completed_at'),
  expiredAt: tz('expired_at'),
  cancelledAt: tz('cancelled_at'),
  cancelledBy: text('cancelled_by'),
  cancelReason: text('cancel_reason'),
  refundState: text('refund_state').$type<RegistrationRefundState>().notNull().default('none'),
  refundId: text('refund_id'),
  noShowAt: tz('no_show_at'),
  remindedAt: tz('reminded_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const registrationQueueCounters = pgTable('registration_queue_counters', {
  scheduleId: text('schedule_id').primaryKey(),
  lastNumber: integer('last_number').notNull(),
});
