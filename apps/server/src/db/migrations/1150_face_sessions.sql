-- IDN-13: face verification sessions. A session is opened for one account and one person (by the
-- blind index of the ID number), passed only on the provider's own verdict, and its token (kept as a
-- SHA-256 hash) is used once, before expires_at, to add that person as the account's "self".
CREATE TABLE face_sessions (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  id_number_idx text NOT NULL,
  provider text NOT NULL,
  provider_session_id text NOT NULL UNIQUE,
  state text NOT NULL CHECK (state IN ('started', 'passed', 'failed', 'used')),
  outcome text,
  token_hash text UNIQUE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  used_at timestamptz,
  used_for_patient_id text,
  CHECK ((state = 'used') = (used_at IS NOT NULL))
);
CREATE INDEX face_sessions_account_idx ON face_sessions (account_id, created_at DESC);
