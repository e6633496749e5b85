-- Insurance e-prescriptions (INS-16 医保电子处方): prescriptions the HIS signed and pushed, uploaded to
-- the insurance platform's e-prescription centre and filled at the hospital pharmacy or a designated
-- retail pharmacy (双通道 drugs only at 双通道 pharmacies; 门诊特殊病 only with the patient's filing).
--
-- pending_upload → circulating → dispatched ⇄ (another pharmacy) → dispensed
--                ↘ rejected     ↘ at_hospital ------------------↗
--                ↘ upload_failed → (pharmacist retry) pending_upload
-- circulating | dispatched | at_hospital → revoked | expired; pending_upload | upload_failed → revoked
-- Every transition is a conditional UPDATE on (state, version).
CREATE TABLE prescriptions (
  id text PRIMARY KEY,
  channel_id text NOT NULL,
  his_rx_no text NOT NULL,
  -- sha256 of the pushed content: the same number with other content is a conflict
  content_hash text NOT NULL,
  visit_no text,
  -- the person: ID number's blind index and the visit card; patient_id is the card holder's record
  patient_id text NOT NULL,
  person_idx text NOT NULL,
  visit_card_no text NOT NULL,
  patient_name text NOT NULL,
  doctor_code text NOT NULL,
  doctor_name text NOT NULL,
  insurance_doctor_code text NOT NULL,
  department_code text NOT NULL,
  department_name text NOT NULL,
  issued_at timestamptz NOT NULL,
  valid_days integer NOT NULL CHECK (valid_days BETWEEN 1 AND 7),
  valid_until timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('ordinary', 'special_disease')),
  special_disease_code text,
  special_disease_name text,
  diagnoses jsonb NOT NULL,
  items jsonb NOT NULL,
  item_count integer NOT NULL CHECK (item_count > 0),
  total_fen bigint NOT NULL CHECK (total_fen >= 0),
  dual_channel boolean NOT NULL,
  reviewed_by text,
  state text NOT NULL CHECK (state IN ('pending_upload', 'circulating', 'dispatched', 'at_hospital',
    'dispensed', 'rejected', 'upload_failed', 'revoked', 'expired')),
  version integer NOT NULL DEFAULT 0,
  -- the e-prescription centre's numbers once it accepted the prescription
  hi_rx_no text UNIQUE,
  trace_code text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text,
  reject_code text,
  reject_reason text,
  -- where it is filled: 'retail' (pharmacy_*) or 'hospital'
  fill_where text CHECK (fill_where IN ('retail', 'hospital')),
  pharmacy_code text,
  pharmacy_name text,
  pharmacy_address text,
  pharmacy_phone text,
  pharmacy_dual_channel boolean,
  pickup_code text,
  next_poll_at timestamptz,
  dispensed_at timestamptz,
  dispensed_pharmacy_name text,
  settlement_no text,
  settled_total_fen bigint,
  fund_fen bigint,
  account_fen bigint,
  cash_fen bigint,
  revoke_reason text,
  closed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (channel_id, his_rx_no),
  CHECK ((kind = 'special_disease') = (special_disease_code IS NOT NULL)),
  CHECK (fund_fen IS NULL OR fund_fen + account_fen + cash_fen = settled_total_fen)
);
CREATE INDEX prescriptions_person_idx ON prescriptions (person_idx, issued_at DESC);
CREATE INDEX prescriptions_card_idx ON prescriptions (visit_card_no, issued_at DESC);
CREATE INDEX prescriptions_issued_idx ON prescriptions (issued_at DESC);
CREATE INDEX prescriptions_upload_due ON prescriptions (next_attempt_at) WHERE state = 'pending_upload';
CREATE INDEX prescriptions_poll_due ON prescriptions (next_poll_at) WHERE state = 'dispatched';
CREATE INDEX prescriptions_open_validity ON prescriptions (valid_until)
  WHERE state IN ('circulating', 'dispatched', 'at_hospital');

-- What happened to a prescription, oldest first (upload attempts and their errors included).
CREATE TABLE prescription_events (
  id text PRIMARY KEY,
  -- the order they happened in (several may share one clock instant)
  seq bigint GENERATED ALWAYS AS IDENTITY,
  prescription_id text NOT NULL REFERENCES prescriptions(id),
  at timestamptz NOT NULL,
  kind text NOT NULL,
  -- 'system', 'his', 'patient:<account>' or 'staff:<user>'
  actor text NOT NULL,
  detail jsonb
);
CREATE INDEX prescription_events_rx_idx ON prescription_events (prescription_id, seq);

-- The sandbox e-prescription centre's own books (what the insurance platform would hold).
CREATE TABLE insurance_sandbox_prescriptions (
  hi_rx_no text PRIMARY KEY,
  his_rx_no text NOT NULL UNIQUE,
  person_key text NOT NULL,
  kind text NOT NULL,
  special_disease_code text,
  items jsonb NOT NULL,
  total_fen bigint NOT NULL,
  valid_until timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('circulating', 'dispatched', 'at_hospital', 'dispensed', 'revoked')),
  pharmacy_code text,
  pickup_code text,
  settlement_no text,
  dispensed_at timestamptz,
  total_settled_fen bigint,
  fund_fen bigint,
  account_fen bigint,
  cash_fen bigint,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE TABLE insurance_sandbox_special_disease_filings (
  person_key text NOT NULL,
  disease_code text NOT NULL,
  disease_name text,
  filed_at timestamptz NOT NULL,
  PRIMARY KEY (person_key, disease_code)
);

-- Platform → HIS: the patient chose the hospital pharmacy; a retail pharmacy dispensed.
ALTER TABLE his_outbound_events DROP CONSTRAINT his_outbound_events_type_check;
ALTER TABLE his_outbound_events ADD CONSTRAINT his_outbound_events_type_check
  CHECK (type IN ('registration.checked_in', 'registration.paid', 'visit_card.bound',
    'prescription.fill_at_hospital', 'prescription.dispensed'));

-- Pharmacists follow the prescriptions and retry failed uploads (the admin role holds every permission).
INSERT INTO role_permissions (role_code, permission) VALUES ('pharmacist', 'prescription.read')
  ON CONFLICT DO NOTHING;
INSERT INTO role_permissions (role_code, permission) VALUES ('pharmacist', 'prescription.manage')
  ON CONFLICT DO NOTHING;
