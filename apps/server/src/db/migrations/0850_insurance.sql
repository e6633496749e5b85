-- Medical insurance (INS): the insurance credential (医保电子凭证) each patient authorised, and
-- insurance settlements: pre-settlement, the mixed payment of pooled fund + personal account + cash
-- with its reversal, refunds back to each part, and secondary settlement of bills paid by phone.
CREATE TABLE insurance_credentials (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  patient_id text NOT NULL UNIQUE,
  person_idx text NOT NULL,
  holder_name text NOT NULL,
  insured_no text NOT NULL,
  insurance_type text NOT NULL CHECK (insurance_type IN ('employee', 'resident')),
  area_code text NOT NULL,
  area_name text NOT NULL,
  ec_token_enc text NOT NULL,
  token_expires_at timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'revoked')),
  social_card_no_enc text,
  social_card_no_masked text,
  social_card_bound_at timestamptz,
  authorised_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX insurance_credentials_account_idx ON insurance_credentials (account_id);

-- pre_settled → settling → cash_pending → settled → refunding → refunded
--             ↘ expired    ↘ failed      ↘ reversing → reversed   (settled → reversing too)
CREATE TABLE insurance_settlements (
  id text PRIMARY KEY,
  settlement_no text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('outpatient', 'secondary')),
  account_id text NOT NULL,
  patient_id text NOT NULL,
  credential_id text NOT NULL REFERENCES insurance_credentials(id),
  bill_ids text[] NOT NULL,
  bill_payment_id text,
  use_account boolean NOT NULL,
  total_fen integer NOT NULL CHECK (total_fen > 0),
  fund_fen integer NOT NULL CHECK (fund_fen >= 0),
  account_fen integer NOT NULL CHECK (account_fen >= 0),
  cash_fen integer NOT NULL CHECK (cash_fen >= 0),
  state text NOT NULL CHECK (state IN ('pre_settled', 'settling', 'cash_pending', 'settled', 'expired',
    'failed', 'reversing', 'reversed', 'refunding', 'refunded')),
  insurance_state text NOT NULL DEFAULT 'none'
    CHECK (insurance_state IN ('none', 'unknown', 'settled', 'cancelled', 'refunded')),
  pre_expires_at timestamptz NOT NULL,
  cash_order_id text,
  cash_paid boolean NOT NULL DEFAULT false,
  cash_refund_ids text[] NOT NULL DEFAULT '{}',
  reason text,
  last_error text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  requested_by text,
  settled_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (fund_fen + account_fen + cash_fen = total_fen)
);
CREATE INDEX insurance_settlements_account_idx ON insurance_settlements (account_id, created_at DESC);
CREATE INDEX insurance_settlements_state_idx ON insurance_settlements (state, next_attempt_at);
CREATE INDEX insurance_settlements_created_idx ON insurance_settlements (created_at DESC);
CREATE INDEX insurance_settlements_bills_idx ON insurance_settlements USING gin (bill_ids);

-- Per-bill split of a settlement (what the insurance platform answered), for receipts and for
-- secondary settlement, where each bill's reimbursement goes back to its own cash order.
CREATE TABLE insurance_settlement_bills (
  settlement_id text NOT NULL REFERENCES insurance_settlements(id),
  bill_id text NOT NULL,
  bill_no text NOT NULL,
  total_fen integer NOT NULL,
  fund_fen integer NOT NULL,
  account_fen integer NOT NULL,
  cash_fen integer NOT NULL,
  PRIMARY KEY (settlement_id, bill_id)
);

-- The sandbox insurance platform's own books (what a provincial platform would hold).
CREATE TABLE insurance_sandbox_accounts (
  person_key text PRIMARY KEY,
  balance_fen integer NOT NULL CHECK (balance_fen >= 0),
  updated_at timestamptz NOT NULL
);
CREATE TABLE insurance_sandbox_settlements (
  settlement_no text PRIMARY KEY,
  person_key text NOT NULL,
  total_fen integer NOT NULL,
  fund_fen integer NOT NULL,
  account_fen integer NOT NULL,
  cash_fen integer NOT NULL,
  state text NOT NULL CHECK (state IN ('settled', 'cancelled', 'refunded')),
  refund_no text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE TABLE insurance_sandbox_ledger (
  id text PRIMARY KEY,
  person_key text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('settle', 'cancel', 'refund')),
  settlement_no text NOT NULL,
  fund_fen integer NOT NULL,
  account_fen integer NOT NULL,
  institution text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX insurance_sandbox_ledger_person_idx ON insurance_sandbox_ledger (person_key, created_at DESC);

-- Bill payments held by an insurance settlement (no cash order of their own), and write-backs
-- identified by the settlement number instead of a payment order.
ALTER TABLE bill_payments ADD COLUMN settlement_no text;
ALTER TABLE bill_writebacks ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE bill_writebacks ADD COLUMN reference_no text;
