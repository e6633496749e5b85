-- INS-09: registration fees paid from the insurance personal account. The settlement names its
-- registration; at most one live settlement per registration (a double submit finds the first).
ALTER TABLE insurance_settlements ADD COLUMN registration_id text;
ALTER TABLE insurance_settlements DROP CONSTRAINT insurance_settlements_kind_check;
ALTER TABLE insurance_settlements ADD CONSTRAINT insurance_settlements_kind_check
  CHECK (kind IN ('outpatient', 'secondary', 'registration'));
CREATE UNIQUE INDEX insurance_settlements_registration_live_idx ON insurance_settlements (registration_id)
  WHERE registration_id IS NOT NULL AND state IN ('settling', 'settled', 'reversing', 'refunding', 'refunded');
ALTER TABLE registrations ADD COLUMN insurance_settlement_no text;
