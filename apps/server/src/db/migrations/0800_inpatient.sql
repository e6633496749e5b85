-- Inpatient services (INP-01…08): admissions pushed by the HIS, bindings by patients, deposits paid
-- online, daily charges, low-balance alerts, daily fee lists and discharge settlement. All money in fen.

CREATE TABLE inpatient_admissions (
  id text PRIMARY KEY,
  admission_no text NOT NULL UNIQUE,
  -- the name is kept only as a blind index (for the bind check) and masked (for display)
  name_idx text NOT NULL,
  name_masked text NOT NULL,
  id_number_idx text,
  visit_card_no text,
  resolved_patient_id text,
  ward text NOT NULL,
  bed text,
  attending_doctor text,
  diagnoses jsonb NOT NULL DEFAULT '[]',
  operations jsonb NOT NULL DEFAULT '[]',
  admitted_at timestamptz NOT NULL,
  discharged_at timestamptz,
  total_cost_fen bigint,
  state text NOT NULL DEFAULT 'admitted' CHECK (state IN ('admitted', 'discharged')),
  settlement_state text NOT NULL DEFAULT 'none'
    CHECK (settlement_state IN ('none', 'open', 'settled', 'refunding', 'refunded')),
  deposits_fen bigint NOT NULL DEFAULT 0,
  charges_fen bigint NOT NULL DEFAULT 0,
  low_balance_alerted boolean NOT NULL DEFAULT false,
  source_channel_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE inpatient_bindings (
  id text PRIMARY KEY,
  admission_id text NOT NULL REFERENCES inpatient_admissions(id),
  account_id text NOT NULL,
  patient_id text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (account_id, admission_id)
);
CREATE INDEX inpatient_bindings_patient ON inpatient_bindings (patient_id);
CREATE INDEX inpatient_bindings_admission ON inpatient_bindings (admission_id);

CREATE TABLE inpatient_bind_failures (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX inpatient_bind_failures_account ON inpatient_bind_failures (account_id, at);

CREATE TABLE inpatient_charges (
  id text PRIMARY KEY,
  admission_id text NOT NULL REFERENCES inpatient_admissions(id),
  his_line_id text NOT NULL,
  charge_date date NOT NULL,
  item_code text,
  item_name text NOT NULL,
  category text,
  quantity numeric(12, 3) NOT NULL,
  unit text,
  amount_fen bigint NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (admission_id, his_line_id)
);
CREATE INDEX inpatient_charges_day ON inpatient_charges (admission_id, charge_date);

CREATE TABLE inpatient_deposits (
  id text PRIMARY KEY,
  admission_id text NOT NULL REFERENCES inpatient_admissions(id),
  account_id text NOT NULL,
  patient_id text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  idempotency_key text NOT NULL,
  payment_order_id text UNIQUE,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'closed')),
  paid_at timestamptz,
  his_state text NOT NULL DEFAULT 'pending' CHECK (his_state IN ('pending', 'confirmed', 'failed')),
  his_attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX inpatient_deposits_admission ON inpatient_deposits (admission_id, created_at);

CREATE TABLE inpatient_settlement_refunds (
  id text PRIMARY KEY,
  admission_id text NOT NULL REFERENCES inpatient_admissions(id),
  deposit_id text NOT NULL REFERENCES inpatient_deposits(id),
  payment_order_id text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  refund_key text NOT NULL UNIQUE,
  refund_id text,
  state text NOT NULL DEFAULT 'requested',
  created_at timestamptz NOT NULL,
  UNIQUE (admission_id, deposit_id)
);

CREATE TABLE inpatient_daily_list_sends (
  admission_id text NOT NULL REFERENCES inpatient_admissions(id),
  list_date date NOT NULL,
  total_fen bigint NOT NULL,
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (admission_id, list_date)
);
