-- PIPL Art. 45: a patient sees who read their records. Every read of patient data by staff, or by
-- another account holding the person with consent, is an audit_log row plus this row, written in
-- one statement. Kind, ground and subject are NOT NULL: an access without a ground cannot be stored.
-- A list read by staff is one audit_log row and one row here per person it showed.
CREATE TABLE audit_patient_access (
  id bigserial PRIMARY KEY,
  audit_id bigint NOT NULL REFERENCES audit_log(id),
  at timestamptz NOT NULL,
  -- the platform patient read (when the record names one) and/or the person's blind index (records
  -- such as reports and bills that the hospital keys by ID number); at least one of the two
  subject_patient_id text,
  subject_person_idx text,
  record_kind text NOT NULL CHECK (record_kind IN (
    'patient_profile', 'his_profile', 'registration', 'visit', 'report', 'health_record', 'bill',
    'payment', 'prescription', 'inpatient', 'einvoice', 'insurance', 'credit', 'exam')),
  ground text NOT NULL CHECK (ground IN ('consent', 'guardian', 'treatment', 'finance', 'service')),
  actor_kind text NOT NULL CHECK (actor_kind IN ('staff', 'patient')),
  actor_id text NOT NULL,
  -- snapshots at the time of access: a later change of role or department does not rewrite history
  actor_roles text[] NOT NULL DEFAULT '{}',
  actor_department_id text,
  -- patient actors: how the reading account holds the person (spouse, parent ...)
  actor_relation text,
  object_type text NOT NULL,
  object_id text,
  CHECK (subject_patient_id IS NOT NULL OR subject_person_idx IS NOT NULL)
);
CREATE INDEX audit_patient_access_audit_idx ON audit_patient_access (audit_id);
CREATE INDEX audit_patient_access_patient_idx ON audit_patient_access (subject_patient_id, at DESC);
CREATE INDEX audit_patient_access_person_idx ON audit_patient_access (subject_person_idx, at DESC);

CREATE TRIGGER audit_patient_access_no_update BEFORE UPDATE OR DELETE ON audit_patient_access
  FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
-- Row triggers do not see TRUNCATE: refuse it too, on both tables.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_patient_access_no_truncate BEFORE TRUNCATE ON audit_patient_access
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();
