-- RPT-06: the patient authorises the service account to fetch their cloud-imaging (云影像) records;
-- an imaging link is issued only while the authorisation stands.
CREATE TABLE imaging_authorisations (
  patient_id text PRIMARY KEY,
  account_id text NOT NULL,
  granted_at timestamptz NOT NULL,
  revoked_at timestamptz
);
