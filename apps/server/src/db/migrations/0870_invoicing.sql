-- E-invoices (PAY-10, PAY-11): one blue invoice per paid payment, issued through the e-invoice
-- adapter by a retried job; a red-letter (冲红) invoice reverses one when its payment is refunded,
-- and a new blue invoice covers what was kept. request_key makes every request idempotent;
-- serial_no is the e-invoice platform's idempotency key for the same request.
CREATE TABLE einvoices (
  id text PRIMARY KEY,
  request_key text NOT NULL UNIQUE,
  serial_no text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('blue', 'red')),
  category text NOT NULL CHECK (category IN ('outpatient', 'registration', 'inpatient')),
  source_type text NOT NULL,
  source_id text NOT NULL,
  source_parts text[] NOT NULL,
  original_id text REFERENCES einvoices(id),
  reversed_by text REFERENCES einvoices(id),
  account_id text NOT NULL,
  patient_id text NOT NULL,
  patient_idx text NOT NULL,
  payer_name text NOT NULL,
  order_id text,
  order_no text,
  title text NOT NULL,
  items jsonb NOT NULL,
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  paid_at timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'issued', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  invoice_code text,
  invoice_no text,
  check_code text,
  verify_url text,
  issued_at timestamptz,
  pdf bytea,
  printed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (invoice_code, invoice_no),
  CHECK (kind = 'blue' OR original_id IS NOT NULL),
  CHECK (state <> 'issued' OR (invoice_code IS NOT NULL AND invoice_no IS NOT NULL AND pdf IS NOT NULL))
);
CREATE INDEX einvoices_person_idx ON einvoices (patient_idx, created_at DESC);
CREATE INDEX einvoices_due_idx ON einvoices (state, next_attempt_at);
CREATE INDEX einvoices_source_idx ON einvoices (source_type, source_id);

-- The sandbox e-invoice platform's own register of what it issued.
CREATE SEQUENCE einvoice_sandbox_no_seq;
CREATE TABLE einvoice_sandbox_issues (
  serial_no text PRIMARY KEY,
  invoice_code text NOT NULL,
  invoice_no text NOT NULL UNIQUE,
  check_code text NOT NULL,
  kind text NOT NULL,
  amount_fen integer NOT NULL,
  issued_at timestamptz NOT NULL
);

-- The sweep finds refunded bills and settled bill payments of the last days without scanning
-- billing's tables (read-only look-ups; billing's own queries are unaffected).
CREATE INDEX einvoices_bills_refunded_idx ON bills (refunded_at) WHERE state = 'refunded';
CREATE INDEX einvoices_bill_payments_paid_idx ON bill_payments (paid_at) WHERE state = 'paid';
