-- The HIS's number of the last settlement reversal of a stay: a retried push with the same number is
-- answered as a repeat, never taken for a reversal of a later settlement.
ALTER TABLE inpatient_admissions ADD COLUMN settlement_reversal_no text;
