import { bigint, boolean, date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type {
  PackageGender,
  BusinessRefundState as BookingRefundState,
  ExamBookingState as BookingState,
} from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type {
  PackageGender,
  BusinessRefundState as BookingRefundState,
  ExamBookingState as BookingState,
} from '@qingnang/contracts';

// Mirrors migrations/0900_exams.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const fen = (name: string) => bigint(name, { mode: 'number' });

export type PackageState = 'active' | 'inactive';
export const BOOKING_STATES = [
  'locked',
  'paid',
  'confirmed',
  'checked_in',
  'completed',
  'cancelled',
  'expired',
] as const satisfies readonly BookingState[];

export const examPackages = pgTable('exam_packages', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  priceFen: fen('price_fen').notNull(),
  gender: text('gender').$type<PackageGender>().notNull().default('any'),
  minAge: integer('min_age'),
  maxAge: integer('max_age'),
  notes: text('notes'),
  state: text('state').$type<PackageState>().notNull().default('active'),
  sort: integer('sort').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const examPackageItems = pgTable('exam_package_items', {
  id: text('id').primaryKey(),
  packageId: text('package_id').notNull(),
  seq: integer('seq').notNull(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  meaning: text('meaning'),
  notes: text('notes'),
});

export const examCapacity = pgTable(
  'exam_capacity',
  {
    packageId: text('package_id').notNull(),
    examDate: date('exam_date', { mode: 'string' }).notNull(),
    capacity: integer('capacity').notNull(),
    taken: integer('taken').notNull().default(0),
    closed: boolean('closed').notNull().default(false),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.packageId, t.examDate] })],
);

export const examAuthorisations = pgTable('exam_authorisations', {
  patientId: text('patient_id').primaryKey(),
  accountId: text('account_id').notNull(),
  consentVersion: text('consent_version').notNull(),
  grantedAt: tz('granted_at').notNull(),
  revokedAt: tz('revoked_at'),
});

export const examBookings = pgTable('exam_bookings', {
  id: text('id').primaryKey(),
  bookingNo: text('booking_no').notNull().unique(),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  packageId: text('package_id').notNull(),
  packageCode: text('package_code').notNull(),
  packageName: text('package_name').notNull(),
  priceFen: fen('price_fen').notNull(),
  examDate: date('exam_date', { mode: 'string' }).notNull(),
  state: text('state').$type<BookingState>().notNull(),
  lockExpiresAt: tz('lock_expires_at'),
  paymentOrderId: text('payment_order_id'),
  paidAt: tz('paid_at'),
  confirmedAt: tz('confirmed_at'),
  checkedInAt: tz('checked_in_at'),
  completedAt: tz('completed_at'),
  expiredAt: tz('expired_at'),
  cancelledAt: tz('cancelled_at'),
  cancelledBy: text('cancelled_by'),
  cancelReason: text('cancel_reason'),
  refundState: text('refund_state').$type<BookingRefundState>().notNull().default('none'),
  refundId: text('refund_id'),
  rescheduleCount: integer('reschedule_count').notNull().default(0),
  examOrderNo: text('exam_order_no'),
  syncVersion: integer('sync_version').notNull().default(0),
  syncedVersion: integer('synced_version').notNull().default(0),
  syncAttempts: integer('sync_attempts').notNull().default(0),
  syncError: text('sync_error'),
  reportNo: text('report_no'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});
