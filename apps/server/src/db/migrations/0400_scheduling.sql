-- Scheduling: shifts, schedule templates, schedules with time segments, the slot pool and
-- per-channel release rules. Doctors and departments belong to the directory module; they are
-- referenced by id only (a module owns its tables).

CREATE TABLE shifts (
  code text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,32}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  start_time text NOT NULL CHECK (start_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  end_time text NOT NULL CHECK (end_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  sort integer NOT NULL DEFAULT 0,
  CHECK (start_time < end_time)
);

-- Weekly pattern for one doctor in one department and shift; weekdays are ISO (1 = Monday).
CREATE TABLE schedule_templates (
  id text PRIMARY KEY,
  doctor_id text NOT NULL,
  department_id text NOT NULL,
  weekdays integer[] NOT NULL,
  shift_code text NOT NULL REFERENCES shifts(code),
  segment_minutes integer NOT NULL CHECK (segment_minutes BETWEEN 5 AND 720),
  slots_per_segment integer NOT NULL CHECK (slots_per_segment BETWEEN 1 AND 500),
  level text NOT NULL CHECK (level IN ('general', 'expert', 'special')),
  fee_fen integer NOT NULL CHECK (fee_fen >= 0),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX schedule_templates_uq ON schedule_templates (doctor_id, department_id, shift_code);

-- A doctor's clinic in one department on one date and shift.
CREATE TABLE schedules (
  id text PRIMARY KEY,
  doctor_id text NOT NULL,
  department_id text NOT NULL,
  clinic_date date NOT NULL,
  shift_code text NOT NULL REFERENCES shifts(code),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  level text NOT NULL CHECK (level IN ('general', 'expert', 'special')),
  fee_fen integer NOT NULL CHECK (fee_fen >= 0),
  state text NOT NULL CHECK (state IN ('open', 'stopped')),
  stop_reason text,
  stopped_at timestamptz,
  template_id text REFERENCES schedule_templates(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- Generation from templates is idempotent through this key.
CREATE UNIQUE INDEX schedules_uq ON schedules (doctor_id, department_id, clinic_date, shift_code);
CREATE INDEX schedules_department_date_idx ON schedules (department_id, clinic_date);
CREATE INDEX schedules_doctor_date_idx ON schedules (doctor_id, clinic_date);
CREATE INDEX schedules_date_idx ON schedules (clinic_date);

CREATE TABLE schedule_segments (
  id text PRIMARY KEY,
  schedule_id text NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'stopped')),
  stop_reason text,
  UNIQUE (schedule_id, seq)
);

-- The slot pool: one row per numbered slot, shared by every channel. `channel` is the quota bucket:
-- 'shared' slots may be taken by any channel, the others only by that channel.
CREATE TABLE slots (
  id text PRIMARY KEY,
  schedule_id text NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  segment_id text NOT NULL REFERENCES schedule_segments(id) ON DELETE CASCADE,
  number integer NOT NULL,
  channel text NOT NULL CHECK (channel IN ('shared', 'online', 'counter', 'third_party')),
  state text NOT NULL CHECK (state IN ('available', 'locked', 'booked', 'stopped')),
  registration_id text,
  lock_expires_at timestamptz,
  is_extra boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL,
  UNIQUE (schedule_id, number),
  CHECK ((state IN ('locked', 'booked')) = (registration_id IS NOT NULL))
);
CREATE INDEX slots_take_idx ON slots (schedule_id, state, number);
CREATE INDEX slots_segment_idx ON slots (segment_id);
CREATE UNIQUE INDEX slots_registration_uq ON slots (registration_id) WHERE registration_id IS NOT NULL;

-- Release rules per channel: reserved share of each schedule, how many days ahead, the time of day
-- slots are released (放号), and levels that may only be booked on the clinic day itself.
CREATE TABLE release_rules (
  channel text PRIMARY KEY CHECK (channel IN ('online', 'counter', 'third_party')),
  reserved_percent integer NOT NULL DEFAULT 0 CHECK (reserved_percent BETWEEN 0 AND 100),
  days_ahead integer NOT NULL CHECK (days_ahead BETWEEN 0 AND 90),
  release_time text NOT NULL CHECK (release_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  same_day_only_levels text[] NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO release_rules (channel, reserved_percent, days_ahead, release_time) VALUES
  ('online', 0, 7, '07:00'),
  ('counter', 0, 7, '07:00'),
  ('third_party', 0, 7, '07:00');

INSERT INTO shifts (code, name_zh, name_en, start_time, end_time, sort) VALUES
  ('morning', '上午', 'Morning', '08:00', '12:00', 1),
  ('afternoon', '下午', 'Afternoon', '14:00', '17:30', 2),
  ('night', '夜间', 'Night', '18:30', '21:00', 3);
