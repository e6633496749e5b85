-- A paid booking is written to the HIS too (registration.paid), so the HIS has the 挂号 record
-- before the patient arrives.
ALTER TABLE his_outbound_events DROP CONSTRAINT his_outbound_events_type_check;
ALTER TABLE his_outbound_events ADD CONSTRAINT his_outbound_events_type_check
  CHECK (type IN ('registration.checked_in', 'registration.paid', 'visit_card.bound'));
