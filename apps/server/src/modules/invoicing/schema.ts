import { customType, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type {
  EInvoiceCategory,
  EInvoiceItem,
  EInvoiceKind,
  InsuranceSplit,
} from '../../integrations/einvoice/index.js';

// Mirrors migrations/0870_invoicing.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

/** pending → issued; pending → failed (after N tries or a refusal) → pending (staff re-issue); pending/failed → cancelled (refunded before issue). */
export type EInvoiceState = 'pending' | 'issued' | 'failed' | 'cancelled';

/** An item as stored: the fee item and the part of the source (a bill) it came from. */
export type StoredItem = EInvoiceItem & { part: string };

export const einvoices = pgTable('einvoices', {
  id: text('id').primaryKey(),
  requestKey: text('request_key').notNull().unique(),
  serialNo: text('serial_no').notNull().unique(),
  kind: text('kind').$type<EInvoiceKind>().notNull(),
  category: text('category').$type<EInvoiceCategory>().notNull(),
  sourceType: text('source_type').notNull(),
  sourceId: text('source_id').notNull(),
  sourceParts: text('source_parts').array().notNull(),
  originalId: text('original_id'),
  reversedBy: text('reversed_by'),
  accountId: text('account_id').notNull(),
  patientId: text('patient_id').notNull(),
  patientIdx: text('patient_idx').notNull(),
  payerName: text('payer_name').notNull(),
  orderId: text('order_id'),
  orderNo: text('order_no'),
  title: text('title').notNull(),
  items: jsonb('items').$type<StoredItem[]>().notNull(),
  amountFen: integer('amount_fen').notNull(),
  /** paid partly by medical insurance (0873): fund, personal account and cash */
  insuranceSplit: jsonb('insurance_split').$type<InsuranceSplit>(),
  paidAt: tz('paid_at').notNull(),
  state: text('state').$type<EInvoiceState>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tz('next_attempt_at').notNull(),
  lastError: text('last_error'),
  invoiceCode: text('invoice_code'),
  invoiceNo: text('invoice_no'),
  checkCode: text('check_code'),
  verifyUrl: text('verify_url'),
  issuedAt: tz('issued_at'),
  pdf: bytea('pdf'),
  printedAt: tz('printed_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});
