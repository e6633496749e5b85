-- Blacklist (黑名单): rules that ban a patient from booking automatically (no-shows or cancellations
-- in a period) and the bans themselves, automatic or added by hand, each with a reason and an end.

CREATE TABLE blacklist_rules (
  id text PRIMARY KEY,
  name text NOT NULL,
  trigger_kind text NOT NULL CHECK (trigger_kind IN ('no_shows', 'cancellations')),
  threshold integer NOT NULL CHECK (threshold BETWEEN 1 AND 100),
  period_days integer NOT NULL CHECK (period_days BETWEEN 1 AND 3650),
  ban_days integer NOT NULL CHECK (ban_days BETWEEN 1 AND 3650),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz
);
CREATE UNIQUE INDEX blacklist_rules_name_uq ON blacklist_rules (name) WHERE deleted_at IS NULL;

-- A ban blocks booking while starts_at <= now < ends_at and it has not been lifted.
CREATE TABLE blacklist_entries (
  id text PRIMARY KEY,
  patient_id text NOT NULL,
  reason text NOT NULL,
  source text NOT NULL CHECK (source IN ('rule', 'manual')),
  rule_id text REFERENCES blacklist_rules(id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  created_by text,
  created_at timestamptz NOT NULL,
  lifted_at timestamptz,
  lifted_by text,
  lift_reason text,
  CHECK ((source = 'rule') = (rule_id IS NOT NULL)),
  CHECK ((lifted_at IS NULL) = (lift_reason IS NULL))
);
CREATE INDEX blacklist_entries_patient_idx ON blacklist_entries (patient_id, ends_at DESC);
CREATE INDEX blacklist_entries_created_idx ON blacklist_entries (created_at DESC);

-- Default rules (003 ▲黑名单管理: frequent malicious booking or no-shows limit booking rights).
INSERT INTO blacklist_rules (id, name, trigger_kind, threshold, period_days, ban_days, enabled, created_at, updated_at)
VALUES
  ('00000000-0000-4000-8000-000000000601', '90天内爽约3次，限制预约90天', 'no_shows', 3, 90, 90, true, now(), now()),
  ('00000000-0000-4000-8000-000000000602', '30天内退号5次，限制预约30天', 'cancellations', 5, 30, 30, true, now(), now());
