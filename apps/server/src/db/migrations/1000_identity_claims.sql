-- Real-name identity that an ID number alone cannot claim (issue 9).
-- verified_by: who confirmed name + ID number together ('sandbox' or another provider kind, 'counter'
-- for staff who saw the documents, 'legacy' for rows verified before providers were asked).
-- consent_by: how a family member's records were opened ('sms', 'counter', 'legacy').
ALTER TABLE patients ADD COLUMN verified_by text;
ALTER TABLE patients ADD COLUMN consent_by text;

-- A "self" identity held by more than one live account belongs to none of them until the counter
-- decides: all such rows become unverified and see no hospital records.
UPDATE patients p SET verified_at = NULL
 WHERE p.relation = 'self' AND p.deleted_at IS NULL AND p.verified_at IS NOT NULL
   AND EXISTS (
     SELECT 1 FROM patients o
      WHERE o.id <> p.id AND o.id_number_idx = p.id_number_idx AND o.relation = 'self'
        AND o.deleted_at IS NULL AND o.verified_at IS NOT NULL);
UPDATE patients SET verified_by = 'legacy' WHERE verified_at IS NOT NULL;
UPDATE patients SET consent_by = 'legacy' WHERE consent_state = 'granted';

-- Family members bound without the person's consent (children under 18 needed none) wait for it now:
-- an SMS code from 14 years on, the counter below 14 (PIPL Art. 31).
UPDATE patients SET consent_state = 'pending', consent_at = NULL
 WHERE relation <> 'self' AND consent_state = 'not_required';

-- One ID number is the verified "self" of at most one live account.
CREATE UNIQUE INDEX patients_self_claim_uq ON patients (id_number_idx)
  WHERE relation = 'self' AND deleted_at IS NULL AND verified_at IS NOT NULL;

-- Staff link a patient at the counter (documents seen in person): operators by default.
INSERT INTO role_permissions (role_code, permission) VALUES ('operator', 'patients.link')
ON CONFLICT DO NOTHING;
