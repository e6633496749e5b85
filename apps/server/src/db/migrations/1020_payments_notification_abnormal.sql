-- Payment notifications never end in a server error (issue 9): a signed notification the platform
-- cannot apply (incomplete, naming a transaction that pays another order, a wrong amount, an order
-- that is not ours) is acknowledged to the channel and kept as an abnormal record for finance.
-- A notification naming no order of ours has no order to hang on: it keeps what the channel said.
ALTER TABLE abnormal_orders ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE abnormal_orders ADD COLUMN channel text;
ALTER TABLE abnormal_orders ADD COLUMN order_no text;
ALTER TABLE abnormal_orders ADD COLUMN channel_trade_no text;
ALTER TABLE abnormal_orders ADD COLUMN amount_fen integer;
ALTER TABLE abnormal_orders ADD CONSTRAINT abnormal_orders_subject_ck
  CHECK (order_id IS NOT NULL OR channel IS NOT NULL);
-- the channel repeats a notification: one record per reported trade
CREATE UNIQUE INDEX abnormal_orders_unmatched_uq
  ON abnormal_orders (channel, reason, (coalesce(order_no, '')), (coalesce(channel_trade_no, '')))
  WHERE order_id IS NULL;

-- Keys a channel of the platform's own needs and nobody configured: the sandbox channel's
-- notification signing key is generated once per installation, never a published constant.
CREATE TABLE payment_channel_secrets (
  channel text PRIMARY KEY,
  secret text NOT NULL,
  created_at timestamptz NOT NULL
);
