-- Reports (RPT): lab (检验), exam (检查) and pathology (病理) reports pushed by the LIS/PACS through
-- the signed integration API, their observations (指标), the indicator knowledge base used to explain
-- them in plain language, and one-time extraction codes for physical-exam reports.

CREATE TABLE reports (
  id text PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('lis', 'pacs')),
  report_no text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('lab', 'exam', 'pathology', 'physical')),
  -- the owning platform patient (the person's "self" record when there is one) and the person keys
  -- used to find the report from any account that holds the same person
  patient_id text,
  person_idx text,
  visit_card_no text,
  patient_name text NOT NULL,
  title text NOT NULL,
  department text,
  setting text NOT NULL DEFAULT 'outpatient' CHECK (setting IN ('outpatient', 'emergency', 'inpatient', 'physical')),
  ordered_at timestamptz,
  reported_at timestamptz,
  status text NOT NULL CHECK (status IN ('pending', 'partial', 'final')),
  conclusion text,
  image_study_uid text,
  notified_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX reports_source_no_uq ON reports (source, report_no);
CREATE INDEX reports_person_idx ON reports (person_idx);
CREATE INDEX reports_card_idx ON reports (visit_card_no);
CREATE INDEX reports_patient_idx ON reports (patient_id);

CREATE TABLE report_observations (
  id text PRIMARY KEY,
  report_id text NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  value_num double precision,
  value_text text,
  unit text,
  ref_low double precision,
  ref_high double precision,
  ref_text text,
  flag text CHECK (flag IN ('H', 'L', 'N', 'critical')),
  observed_at timestamptz
);
CREATE INDEX report_observations_report_idx ON report_observations (report_id, seq);
CREATE INDEX report_observations_code_idx ON report_observations (code);

CREATE TABLE indicator_kb (
  code text PRIMARY KEY,
  name text NOT NULL,
  aliases text[] NOT NULL DEFAULT '{}',
  category text NOT NULL,
  unit text,
  meaning text NOT NULL,
  high_meaning text,
  low_meaning text,
  advice text,
  updated_by text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE exam_access_codes (
  id text PRIMARY KEY,
  report_id text NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX exam_access_codes_report_idx ON exam_access_codes (report_id, created_at DESC);
