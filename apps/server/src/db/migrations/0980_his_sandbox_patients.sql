-- The sandbox HIS's patient files (IDN-07): opened when the platform tells it of a bound visit card
-- (visit_card.bound), read back as the HIS patient information. Only masked numbers are kept here:
-- the sandbox needs nothing more to answer, and a demo database holds no plain ID numbers.
CREATE TABLE his_sandbox_patients (
  visit_card_no text PRIMARY KEY,
  his_patient_id text NOT NULL,
  platform_patient_id text NOT NULL,
  name text NOT NULL,
  gender text,
  birth_date date,
  id_number_masked text,
  phone_masked text,
  insurance_type text NOT NULL CHECK (insurance_type IN ('self_pay', 'employee', 'resident')),
  allergies text[] NOT NULL DEFAULT '{}',
  file_created_on date NOT NULL,
  last_visit_on date,
  updated_at timestamptz NOT NULL
);
