-- Physical exams (EXAM-01…07): packages with items, daily capacity per package and date, the
-- patient's authorisation of data exchange with the exam system, and bookings (locked → paid →
-- confirmed → checked_in → completed, or cancelled / expired). All money in fen.

CREATE TABLE exam_packages (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  price_fen bigint NOT NULL CHECK (price_fen > 0),
  gender text NOT NULL DEFAULT 'any' CHECK (gender IN ('any', 'male', 'female')),
  min_age integer CHECK (min_age >= 0),
  max_age integer CHECK (max_age >= 0),
  notes text,
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
  sort integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (min_age IS NULL OR max_age IS NULL OR min_age <= max_age)
);

CREATE TABLE exam_package_items (
  id text PRIMARY KEY,
  package_id text NOT NULL REFERENCES exam_packages(id),
  seq integer NOT NULL,
  name text NOT NULL,
  category text NOT NULL,
  -- what the item checks, in plain words
  meaning text,
  notes text,
  UNIQUE (package_id, seq)
);

-- One row per package and exam date: taken moves only by conditional updates (taken < capacity),
-- so parallel bookings can never exceed the capacity.
CREATE TABLE exam_capacity (
  package_id text NOT NULL REFERENCES exam_packages(id),
  exam_date date NOT NULL,
  capacity integer NOT NULL CHECK (capacity >= 0),
  taken integer NOT NULL DEFAULT 0 CHECK (taken >= 0),
  closed boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (package_id, exam_date),
  CHECK (taken <= capacity)
);

-- EXAM-01: the patient's recorded consent to exchange their data with the exam system.
CREATE TABLE exam_authorisations (
  patient_id text PRIMARY KEY,
  account_id text NOT NULL,
  consent_version text NOT NULL,
  granted_at timestamptz NOT NULL,
  revoked_at timestamptz
);

CREATE TABLE exam_bookings (
  id text PRIMARY KEY,
  booking_no text NOT NULL UNIQUE,
  account_id text NOT NULL,
  patient_id text NOT NULL,
  idempotency_key text NOT NULL,
  package_id text NOT NULL REFERENCES exam_packages(id),
  -- what was booked, as it was at booking time
  package_code text NOT NULL,
  package_name text NOT NULL,
  price_fen bigint NOT NULL CHECK (price_fen > 0),
  exam_date date NOT NULL,
  state text NOT NULL
    CHECK (state IN ('locked', 'paid', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired')),
  lock_expires_at timestamptz,
  payment_order_id text,
  paid_at timestamptz,
  confirmed_at timestamptz,
  checked_in_at timestamptz,
  completed_at timestamptz,
  expired_at timestamptz,
  cancelled_at timestamptz,
  cancelled_by text,
  cancel_reason text,
  refund_state text NOT NULL DEFAULT 'none'
    CHECK (refund_state IN ('none', 'pending', 'requested', 'processing', 'succeeded', 'failed')),
  refund_id text,
  reschedule_count integer NOT NULL DEFAULT 0,
  -- the exam system's own number once it has accepted the booking
  exam_order_no text,
  -- every change the exam system must hear bumps sync_version; the sync job sends the booking as it
  -- is now and records the version the exam system acknowledged
  sync_version integer NOT NULL DEFAULT 0,
  synced_version integer NOT NULL DEFAULT 0,
  sync_attempts integer NOT NULL DEFAULT 0,
  sync_error text,
  report_no text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (account_id, idempotency_key)
);
-- One active booking per patient and exam date, whatever races the application checks lose.
CREATE UNIQUE INDEX exam_bookings_one_per_day ON exam_bookings (patient_id, exam_date)
  WHERE state IN ('locked', 'paid', 'confirmed', 'checked_in');
CREATE INDEX exam_bookings_locks ON exam_bookings (lock_expires_at) WHERE state = 'locked';
CREATE INDEX exam_bookings_unsynced ON exam_bookings (updated_at) WHERE sync_version > synced_version;
CREATE INDEX exam_bookings_refunds ON exam_bookings (refund_state) WHERE refund_state = 'pending';
CREATE INDEX exam_bookings_account ON exam_bookings (account_id, created_at);
CREATE INDEX exam_bookings_date ON exam_bookings (exam_date, package_id);

-- Operators manage exam packages and capacity (the admin role holds every permission already).
INSERT INTO role_permissions (role_code, permission) VALUES ('operator', 'exams.manage')
  ON CONFLICT DO NOTHING;
