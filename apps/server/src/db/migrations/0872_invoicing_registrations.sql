-- The e-invoice sweep finds paid and cancelled registrations of the last days by these (read-only look-ups).
CREATE INDEX einvoices_registrations_paid_idx ON registrations (paid_at) WHERE payment_order_id IS NOT NULL;
CREATE INDEX einvoices_registrations_cancelled_idx ON registrations (cancelled_at) WHERE state = 'cancelled';
