-- Third-party integration gateway (统一外联平台): channels with their credentials, scope and hours,
-- the nonces they have used (replay protection), the registrations each channel took, and a log of
-- every call (no body contents).

CREATE TABLE integration_channels (
  id text PRIMARY KEY,
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('his_counter', 'booking_platform', 'pharmacy', 'other')),
  app_id text NOT NULL UNIQUE,
  -- the HMAC secret, AES-256-GCM encrypted (PiiCipher); shown once at creation and rotation
  secret_enc text NOT NULL,
  secret_rotated_at timestamptz NOT NULL,
  allowed_operations text[] NOT NULL DEFAULT '{}',
  -- 'HH:mm' in the hospital zone; both null means at any time; from > until spans midnight
  allowed_from text CHECK (allowed_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  allowed_until text CHECK (allowed_until ~ '^([01][0-9]|2[0-4]):[0-5][0-9]$'),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz,
  CHECK ((allowed_from IS NULL) = (allowed_until IS NULL))
);
CREATE UNIQUE INDEX integration_channels_code_uq ON integration_channels (code) WHERE deleted_at IS NULL;

-- A nonce may be used once per channel within the replay window; older rows are swept by a job.
CREATE TABLE integration_nonces (
  channel_id text NOT NULL REFERENCES integration_channels(id),
  nonce text NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, nonce)
);
CREATE INDEX integration_nonces_seen_idx ON integration_nonces (seen_at);

-- Registrations taken through a channel: a channel may confirm or cancel only its own.
CREATE TABLE integration_registrations (
  registration_id text PRIMARY KEY,
  channel_id text NOT NULL REFERENCES integration_channels(id),
  created_at timestamptz NOT NULL
);
CREATE INDEX integration_registrations_channel_idx ON integration_registrations (channel_id, created_at DESC);

CREATE TABLE integration_calls (
  id text PRIMARY KEY,
  channel_id text REFERENCES integration_channels(id),
  app_id text,
  operation text,
  method text NOT NULL,
  path text NOT NULL,
  outcome text NOT NULL,
  status integer NOT NULL,
  at timestamptz NOT NULL,
  duration_ms integer,
  request_id text,
  ip text
);
CREATE INDEX integration_calls_at_idx ON integration_calls (at DESC);
CREATE INDEX integration_calls_channel_idx ON integration_calls (channel_id, at DESC);
