-- The event bus (platform/events.ts): an event is one outbox row written in the business
-- transaction that caused it, and one delivery row per after-commit subscriber, written with it.
-- The dispatcher claims due deliveries (FOR UPDATE SKIP LOCKED), so several server processes share
-- the work and each delivery runs once at a time; a delivery that keeps failing ends 'dead' and waits
-- for an operator (GET /api/v1/admin/events/dead-deliveries). The old outbox table was never written.
DROP TABLE outbox;
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  payload jsonb NOT NULL,
  published_at timestamptz NOT NULL
);
CREATE INDEX outbox_name_idx ON outbox (name, id);

CREATE TABLE outbox_deliveries (
  event_id bigint NOT NULL REFERENCES outbox(id),
  subscriber text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  -- attempts started; a claim adds one and moves next_attempt_at past the lease, so a delivery whose
  -- process died is due again once the lease has passed
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  last_error text,
  delivered_at timestamptz,
  dead_at timestamptz,
  PRIMARY KEY (event_id, subscriber)
);
CREATE INDEX outbox_deliveries_due_idx ON outbox_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_deliveries_dead_idx ON outbox_deliveries (dead_at DESC) WHERE state = 'dead';
