-- Credit care (信用就医, PAY-12/13) and frictionless payment (无感支付, PAY-14/15). A patient's credit
-- account has a limit; payment orders paid on credit (the platform's own 'credit' channel) become
-- charges owed against it; one settlement order later pays every owed charge; overdue charges bring
-- reminders and then suspension.
CREATE TABLE credit_accounts (
  id text PRIMARY KEY,
  patient_id text NOT NULL UNIQUE,
  account_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'suspended', 'closed')),
  limit_fen integer NOT NULL CHECK (limit_fen >= 0),
  used_fen integer NOT NULL DEFAULT 0 CHECK (used_fen >= 0),
  agreement_no text NOT NULL,
  activated_at timestamptz NOT NULL,
  suspended_at timestamptz,
  suspend_reason text,
  withholding_agreement_no text,
  withholding_signed_at timestamptz,
  frictionless_enabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (NOT frictionless_enabled OR withholding_agreement_no IS NOT NULL)
);
CREATE INDEX credit_accounts_account_idx ON credit_accounts (account_id);

CREATE TABLE credit_charges (
  id text PRIMARY KEY,
  credit_account_id text NOT NULL REFERENCES credit_accounts(id),
  order_id text NOT NULL UNIQUE,
  order_no text NOT NULL,
  business_type text NOT NULL,
  subject text NOT NULL,
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  refunded_fen integer NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
  state text NOT NULL CHECK (state IN ('owed', 'settling', 'settled')),
  settlement_id text,
  due_at timestamptz NOT NULL,
  settled_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX credit_charges_account_idx ON credit_charges (credit_account_id, state);
CREATE INDEX credit_charges_due_idx ON credit_charges (state, due_at);

CREATE TABLE credit_settlements (
  id text PRIMARY KEY,
  credit_account_id text NOT NULL REFERENCES credit_accounts(id),
  account_id text NOT NULL,
  order_id text,
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  charge_ids text[] NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'paid', 'closed')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  paid_at timestamptz
);
-- One settlement in progress per credit account.
CREATE UNIQUE INDEX credit_settlements_open_uq ON credit_settlements (credit_account_id) WHERE state = 'open';

-- Refunds of orders paid on credit: owed money is forgiven, settled money goes back through the settlement's channel.
CREATE TABLE credit_refunds (
  refund_no text PRIMARY KEY,
  charge_id text NOT NULL REFERENCES credit_charges(id),
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  settlement_refund_id text,
  created_at timestamptz NOT NULL
);

-- One overdue reminder per credit account and hospital day.
CREATE TABLE credit_reminders (
  credit_account_id text NOT NULL REFERENCES credit_accounts(id),
  day date NOT NULL,
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (credit_account_id, day)
);

-- The platform's own credit channel pays payment orders.
ALTER TABLE payment_orders DROP CONSTRAINT payment_orders_channel_check;
ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_channel_check
  CHECK (channel IN ('sandbox', 'wechat', 'alipay', 'credit'));
