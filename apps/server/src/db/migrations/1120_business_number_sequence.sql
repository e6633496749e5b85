-- Business numbers (payment orders, refunds, insurance settlements, e-invoice serials, exam bookings)
-- take their running part from this one sequence (platform/ids.ts): every server process on the
-- database draws from it, so two processes never issue the same number. nextval is not rolled back
-- with a failed transaction, so numbers may skip; they never repeat.
CREATE SEQUENCE business_number_seq AS bigint MINVALUE 1 START 1;
