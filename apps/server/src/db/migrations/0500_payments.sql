-- Unified payment platform: payment orders, the notification log, refunds and abnormal orders.
-- Money is integer fen. Order and refund states change only by compare-and-set updates.

CREATE TABLE payment_orders (
  id text PRIMARY KEY,
  order_no text NOT NULL UNIQUE,
  business_type text NOT NULL,
  business_id text NOT NULL,
  account_id text NOT NULL,
  patient_id text,
  subject text NOT NULL,
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  -- refund_reserved_fen: refunds requested, processing or succeeded; refunded_fen: succeeded only.
  -- A refund is admitted only by a conditional update keeping reserved <= amount, so concurrent
  -- partial refunds never exceed the paid amount.
  refund_reserved_fen integer NOT NULL DEFAULT 0,
  refunded_fen integer NOT NULL DEFAULT 0,
  state text NOT NULL CHECK (state IN ('created', 'paying', 'paid', 'closed', 'refunding', 'partially_refunded', 'refunded')),
  channel text CHECK (channel IN ('sandbox', 'wechat', 'alipay')),
  channel_trade_no text,
  pay_started_at timestamptz,
  expires_at timestamptz NOT NULL,
  paid_at timestamptz,
  closed_at timestamptz,
  close_reason text,
  -- the business step after payment (onPaid): pending -> running -> done | failed
  business_state text NOT NULL DEFAULT 'pending' CHECK (business_state IN ('pending', 'running', 'done', 'failed')),
  business_claimed_at timestamptz,
  abnormal boolean NOT NULL DEFAULT false,
  abnormal_reason text,
  idempotency_key text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (refunded_fen >= 0 AND refunded_fen <= refund_reserved_fen AND refund_reserved_fen <= amount_fen)
);
CREATE UNIQUE INDEX payment_orders_channel_trade_uq ON payment_orders (channel, channel_trade_no)
  WHERE channel_trade_no IS NOT NULL;
CREATE INDEX payment_orders_state_idx ON payment_orders (state, expires_at);
CREATE INDEX payment_orders_business_idx ON payment_orders (business_type, business_id);
CREATE INDEX payment_orders_account_idx ON payment_orders (account_id, created_at DESC);
CREATE INDEX payment_orders_created_idx ON payment_orders (created_at DESC);

-- Every notification received from a channel, verified or not, and what we did with it.
CREATE TABLE payment_notifications (
  id text PRIMARY KEY,
  channel text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('payment', 'refund')),
  channel_notification_id text,
  order_no text,
  refund_no text,
  channel_trade_no text,
  amount_fen integer,
  verified boolean NOT NULL,
  outcome text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX payment_notifications_order_idx ON payment_notifications (order_no, received_at);

CREATE TABLE refunds (
  id text PRIMARY KEY,
  refund_no text NOT NULL UNIQUE,
  order_id text NOT NULL REFERENCES payment_orders(id),
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  state text NOT NULL CHECK (state IN ('requested', 'processing', 'succeeded', 'failed')),
  reason text NOT NULL,
  refund_key text NOT NULL UNIQUE,
  requested_by text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  channel_refund_id text,
  last_error text,
  last_attempt_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX refunds_order_idx ON refunds (order_id, created_at);
CREATE INDEX refunds_state_idx ON refunds (state, last_attempt_at);
CREATE INDEX refunds_created_idx ON refunds (created_at DESC);

-- Orders finance must look at: paid after close, business step failed, amount mismatch, refund failed.
CREATE TABLE abnormal_orders (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES payment_orders(id),
  reason text NOT NULL,
  detail text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution_note text,
  resolved_by text,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (order_id, reason)
);
CREATE INDEX abnormal_orders_status_idx ON abnormal_orders (status, created_at DESC);

-- The sandbox channel's own books, kept as an outside payment system would keep them.
CREATE TABLE sandbox_transactions (
  out_trade_no text PRIMARY KEY,
  transaction_id text UNIQUE,
  amount_fen integer NOT NULL,
  subject text NOT NULL,
  payer_ref text,
  state text NOT NULL CHECK (state IN ('NOTPAY', 'SUCCESS', 'PAYERROR', 'CLOSED')),
  refunded_fen integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  paid_at timestamptz,
  closed_at timestamptz
);

CREATE TABLE sandbox_refunds (
  out_refund_no text PRIMARY KEY,
  out_trade_no text NOT NULL REFERENCES sandbox_transactions(out_trade_no),
  refund_id text NOT NULL UNIQUE,
  amount_fen integer NOT NULL,
  state text NOT NULL CHECK (state IN ('SUCCESS')),
  created_at timestamptz NOT NULL
);

-- Outgoing asynchronous notifications of the sandbox channel (delivered by a job, or by tests).
CREATE TABLE sandbox_notifications (
  id text PRIMARY KEY,
  out_trade_no text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX sandbox_notifications_trade_idx ON sandbox_notifications (out_trade_no, created_at);
