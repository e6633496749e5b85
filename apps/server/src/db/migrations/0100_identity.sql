-- Patient accounts, login codes, patients (就诊人) with encrypted ID and phone numbers.
-- ID and phone numbers are stored only as AES-256-GCM ciphertext (*_enc) and an HMAC blind index (*_idx).

CREATE TABLE accounts (
  id text PRIMARY KEY,
  phone_enc text,
  phone_idx text UNIQUE,
  password_hash text,
  password_changed_at timestamptz,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- WeChat / Alipay openids linked to an account (one account per openid).
CREATE TABLE account_links (
  provider text NOT NULL CHECK (provider IN ('wechat', 'alipay')),
  openid text NOT NULL,
  account_id text NOT NULL REFERENCES accounts(id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (provider, openid)
);
CREATE INDEX account_links_account_idx ON account_links (account_id);

-- One-time SMS codes (login, consent). Only a hash of the code is kept.
CREATE TABLE sms_codes (
  id text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('login', 'consent')),
  phone_idx text NOT NULL,
  subject_id text,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz,
  dead_at timestamptz,
  ip text
);
CREATE INDEX sms_codes_phone_idx ON sms_codes (phone_idx, purpose, created_at DESC);
CREATE INDEX sms_codes_ip_idx ON sms_codes (ip, created_at DESC);

CREATE TABLE patients (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  name text NOT NULL,
  id_type text NOT NULL CHECK (id_type IN ('resident_id', 'hk_macao_tw_residence', 'foreign_permanent_residence')),
  id_number_enc text NOT NULL,
  id_number_idx text NOT NULL,
  id_number_masked text NOT NULL,
  phone_enc text NOT NULL,
  phone_idx text NOT NULL,
  phone_masked text NOT NULL,
  gender text NOT NULL CHECK (gender IN ('male', 'female')),
  birth_date date NOT NULL,
  relation text NOT NULL CHECK (relation IN ('self', 'spouse', 'parent', 'child', 'other')),
  is_default boolean NOT NULL DEFAULT false,
  verified_at timestamptz,
  consent_state text NOT NULL CHECK (consent_state IN ('not_required', 'pending', 'granted')),
  consent_at timestamptz,
  visit_card_no text,
  health_card_no text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz
);
CREATE INDEX patients_account_idx ON patients (account_id) WHERE deleted_at IS NULL;
CREATE INDEX patients_id_number_idx ON patients (id_number_idx);
CREATE INDEX patients_phone_idx ON patients (phone_idx);
-- The same person once per account; one default and one "self" per account.
CREATE UNIQUE INDEX patients_account_person_uq ON patients (account_id, id_number_idx) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX patients_account_default_uq ON patients (account_id) WHERE is_default AND deleted_at IS NULL;
CREATE UNIQUE INDEX patients_account_self_uq ON patients (account_id) WHERE relation = 'self' AND deleted_at IS NULL;

-- Identity changes of verified patients (anti-scalper limit, IDN-09). Old and new numbers as blind index only.
CREATE TABLE patient_identity_changes (
  id text PRIMARY KEY,
  patient_id text NOT NULL REFERENCES patients(id),
  account_id text NOT NULL,
  old_id_number_idx text NOT NULL,
  new_id_number_idx text NOT NULL,
  changed_at timestamptz NOT NULL
);
CREATE INDEX patient_identity_changes_patient_idx ON patient_identity_changes (patient_id, changed_at DESC);
CREATE INDEX patient_identity_changes_account_idx ON patient_identity_changes (account_id, changed_at DESC);
