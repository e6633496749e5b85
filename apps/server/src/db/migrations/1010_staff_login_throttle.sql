-- Staff login throttling (issue 9, finding 9): five wrong passwords no longer lock a named account
-- everywhere (anyone could keep `admin` locked). Failures are counted per (username, address) and per
-- address; a lock holds only for the address that earned it, and administrators are alerted.
CREATE TABLE staff_login_throttles (
  scope text NOT NULL CHECK (scope IN ('account_address', 'address')),
  key text NOT NULL,
  username text,
  ip text NOT NULL,
  failures integer NOT NULL,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (scope, key)
);
CREATE INDEX staff_login_throttles_username ON staff_login_throttles (username) WHERE username IS NOT NULL;

CREATE TABLE staff_security_alerts (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('login_locked', 'address_throttled')),
  staff_id text,
  username text,
  ip text NOT NULL,
  failures integer NOT NULL,
  locked_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text
);
CREATE INDEX staff_security_alerts_open ON staff_security_alerts (created_at DESC) WHERE acknowledged_at IS NULL;

-- the account-wide lock is gone, and with it every lock it left behind
ALTER TABLE staff_users DROP COLUMN failed_logins;
ALTER TABLE staff_users DROP COLUMN locked_until;
