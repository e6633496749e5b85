-- Outpatient bills pushed by the HIS, their payment (several bills in one order), the payment
-- write-back to the HIS, and the sandbox HIS's record of what the platform told it.
CREATE TABLE his_visits (
  id text PRIMARY KEY,
  channel_id text NOT NULL,
  visit_no text NOT NULL,
  patient_idx text,
  visit_card_no text,
  patient_name text NOT NULL,
  department_name text,
  doctor_name text,
  visit_date date NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (channel_id, visit_no)
);
CREATE INDEX his_visits_patient_idx ON his_visits (patient_idx);
CREATE INDEX his_visits_card_idx ON his_visits (visit_card_no);

CREATE TABLE bills (
  id text PRIMARY KEY,
  channel_id text NOT NULL,
  bill_no text NOT NULL,
  visit_id text NOT NULL REFERENCES his_visits(id),
  patient_idx text,
  visit_card_no text,
  kind text NOT NULL CHECK (kind IN ('prescription', 'lab', 'exam', 'treatment', 'other')),
  title text NOT NULL,
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  exec_department text NOT NULL,
  exec_location text NOT NULL,
  scan_code text NOT NULL UNIQUE,
  state text NOT NULL CHECK (state IN ('pending', 'paid', 'confirmed', 'refunded')),
  payment_id text,
  execution_status text NOT NULL DEFAULT 'none' CHECK (execution_status IN ('none', 'dispensed', 'performed')),
  executed_at timestamptz,
  invoiced boolean NOT NULL DEFAULT false,
  his_receipt_no text,
  billed_at timestamptz NOT NULL,
  paid_at timestamptz,
  confirmed_at timestamptz,
  refunded_at timestamptz,
  refund_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (channel_id, bill_no)
);
CREATE INDEX bills_patient_idx ON bills (patient_idx, state);
CREATE INDEX bills_card_idx ON bills (visit_card_no, state);
CREATE INDEX bills_payment_idx ON bills (payment_id);

CREATE TABLE bill_items (
  id text PRIMARY KEY,
  bill_id text NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  spec text,
  unit text,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_fen integer NOT NULL CHECK (unit_price_fen >= 0),
  amount_fen integer NOT NULL CHECK (amount_fen >= 0)
);
CREATE INDEX bill_items_bill_idx ON bill_items (bill_id, seq);

CREATE TABLE bill_payments (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  patient_id text NOT NULL,
  order_id text,
  bill_ids text[] NOT NULL,
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  state text NOT NULL CHECK (state IN ('open', 'paid', 'closed', 'writeback_failed')),
  idempotency_key text NOT NULL,
  expires_at timestamptz NOT NULL,
  paid_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX bill_payments_account_idx ON bill_payments (account_id, created_at DESC);

CREATE TABLE bill_writebacks (
  id text PRIMARY KEY,
  payment_id text NOT NULL UNIQUE REFERENCES bill_payments(id),
  order_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  his_receipt_no text,
  refund_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX bill_writebacks_due_idx ON bill_writebacks (state, next_attempt_at);

CREATE TABLE his_sandbox_calls (
  id text PRIMARY KEY,
  kind text NOT NULL,
  bill_nos text[] NOT NULL,
  order_no text NOT NULL,
  amount_fen integer NOT NULL,
  receipt_no text,
  created_at timestamptz NOT NULL
);
