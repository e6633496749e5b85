-- Platform → HIS events (a check-in opens a visit in the HIS, a bound visit card is linked to the
-- HIS patient file). A row is written in the same transaction as the event itself, then delivered
-- by a job with retries; the payload is built at delivery from the current records, so no identity
-- number is stored here. event_id is the HIS's idempotency key and stays the same on every retry.
CREATE TABLE his_outbound_events (
  id text PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('registration.checked_in', 'visit_card.bound')),
  -- the registration (checked_in) or the patient (visit_card.bound)
  subject_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  occurred_at timestamptz NOT NULL,
  sent_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX his_outbound_events_due ON his_outbound_events (next_attempt_at) WHERE state = 'pending';
