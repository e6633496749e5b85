-- RPT-12 患者健康档案: what the patient (or an authorised family member) records about their health,
-- beside the indicators and reports the hospital's systems pushed. One row per patient record.
CREATE TABLE health_profiles (
  patient_id text PRIMARY KEY,
  blood_type text CHECK (blood_type IN ('A', 'B', 'AB', 'O', 'unknown')),
  height_cm integer CHECK (height_cm BETWEEN 30 AND 250),
  weight_kg numeric(5, 1) CHECK (weight_kg BETWEEN 1 AND 400),
  allergies text[] NOT NULL DEFAULT '{}',
  chronic_conditions text[] NOT NULL DEFAULT '{}',
  medications text[] NOT NULL DEFAULT '{}',
  family_history jsonb NOT NULL DEFAULT '[]',
  smoking text CHECK (smoking IN ('never', 'former', 'current')),
  drinking text CHECK (drinking IN ('never', 'occasional', 'regular')),
  exercise text CHECK (exercise IN ('rarely', 'weekly', 'daily')),
  diet text,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);
