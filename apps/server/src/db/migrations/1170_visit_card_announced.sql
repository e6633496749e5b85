-- Issue 10: identity stops reading the HIS outbox (a table of integrations/his) to find the cards it
-- has not announced yet. Each patient row remembers the visit card number whose `visit_card.bound`
-- event identity published; the backfill looks for cards whose number differs from it. Cards whose
-- event is already in the HIS outbox count as announced.
ALTER TABLE patients ADD COLUMN visit_card_announced text;

UPDATE patients p
   SET visit_card_announced = p.visit_card_no
 WHERE p.visit_card_no IS NOT NULL
   AND EXISTS (SELECT 1 FROM his_outbound_events e
                WHERE e.event_id = 'visit_card.bound:' || p.id || ':' || upper(p.visit_card_no));
