-- A ban follows the person, not one patient record: the same ID number bound under another account,
-- or given by a counter or third-party channel, is refused too. HMAC blind index of the ID number.
ALTER TABLE blacklist_entries ADD COLUMN person_idx text;
CREATE INDEX blacklist_entries_person_idx ON blacklist_entries (person_idx, ends_at DESC) WHERE person_idx IS NOT NULL;
