-- MSG-04: the messages about an unpaid outpatient bill, one row per bill and kind, claimed in the
-- same transaction as the messages themselves: a new fee to pay (when the HIS pushes the bill) and
-- one reminder before it lapses at the end of its billing day. A repeated push or job run finds the
-- row and sends nothing.
CREATE TABLE bill_fee_messages (
  bill_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('new_fee', 'reminder')),
  recipients integer NOT NULL CHECK (recipients > 0),
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (bill_id, kind)
);
