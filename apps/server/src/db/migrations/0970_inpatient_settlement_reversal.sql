-- INP-08 / PAY-10: the HIS may reverse a discharge settlement (撤销出院结算, e.g. to recall the patient
-- for a missed charge). Each settlement of a stay has a generation: the e-invoice of a reversed
-- generation is red-lettered and the next settlement gets a new one. What the patient paid at the
-- reversed settlement (remainder) stays with the stay as prepayment, and a surplus already refunded
-- leaves it.
ALTER TABLE inpatient_admissions
  ADD COLUMN settlement_generation integer NOT NULL DEFAULT 0 CHECK (settlement_generation >= 0),
  ADD COLUMN settlement_paid_fen bigint NOT NULL DEFAULT 0 CHECK (settlement_paid_fen >= 0),
  ADD COLUMN surplus_refunded_fen bigint NOT NULL DEFAULT 0 CHECK (surplus_refunded_fen >= 0),
  ADD COLUMN settlement_reversed_at timestamptz,
  ADD COLUMN settlement_reversal_reason text;
