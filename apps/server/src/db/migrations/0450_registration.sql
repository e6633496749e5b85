-- Registrations (挂号): a patient's claim on one slot, with its state machine, payment link,
-- cancellation and refund status, check-in queue number and reminder bookkeeping.

CREATE TABLE registrations (
  id text PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('online', 'counter', 'third_party')),
  -- online: the patient account; channels: the caller's own reference for the patient
  account_id text,
  patient_id text,
  patient_ref text,
  patient_name text NOT NULL,
  idempotency_key text NOT NULL,
  schedule_id text NOT NULL REFERENCES schedules(id),
  segment_id text NOT NULL REFERENCES schedule_segments(id),
  slot_id text NOT NULL REFERENCES slots(id),
  slot_number integer NOT NULL,
  doctor_id text NOT NULL,
  department_id text NOT NULL,
  clinic_date date NOT NULL,
  shift_code text NOT NULL,
  segment_start_at timestamptz NOT NULL,
  segment_end_at timestamptz NOT NULL,
  session_end_at timestamptz NOT NULL,
  level text NOT NULL,
  fee_fen integer NOT NULL CHECK (fee_fen >= 0),
  state text NOT NULL CHECK (state IN ('locked', 'booked', 'checked_in', 'completed', 'expired', 'cancelled', 'no_show')),
  lock_expires_at timestamptz,
  payment_order_id text,
  paid_externally boolean NOT NULL DEFAULT false,
  paid_at timestamptz,
  booked_at timestamptz,
  checked_in_at timestamptz,
  queue_number integer,
  completed_at timestamptz,
  expired_at timestamptz,
  cancelled_at timestamptz,
  cancelled_by text,
  cancel_reason text,
  refund_state text NOT NULL DEFAULT 'none' CHECK (refund_state IN ('none', 'pending', 'requested', 'processing', 'succeeded', 'failed')),
  refund_id text,
  no_show_at timestamptz,
  reminded_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- A repeated request (same caller, same key) finds the first registration instead of a second slot.
CREATE UNIQUE INDEX registrations_idem_uq ON registrations (channel, coalesce(account_id, ''), idempotency_key);
CREATE INDEX registrations_account_idx ON registrations (account_id, created_at DESC);
CREATE INDEX registrations_patient_idx ON registrations (patient_id, clinic_date);
CREATE INDEX registrations_schedule_idx ON registrations (schedule_id, state);
CREATE INDEX registrations_lock_idx ON registrations (lock_expires_at) WHERE state = 'locked';
CREATE INDEX registrations_session_end_idx ON registrations (session_end_at) WHERE state = 'booked';
CREATE INDEX registrations_date_idx ON registrations (clinic_date, state);
CREATE INDEX registrations_refund_pending_idx ON registrations (refund_state) WHERE refund_state = 'pending';
CREATE UNIQUE INDEX registrations_payment_order_uq ON registrations (payment_order_id) WHERE payment_order_id IS NOT NULL;

-- Queue numbers at check-in, sequential per schedule, taken atomically by an upsert.
CREATE TABLE registration_queue_counters (
  schedule_id text PRIMARY KEY REFERENCES schedules(id) ON DELETE CASCADE,
  last_number integer NOT NULL
);
