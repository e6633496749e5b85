-- A medical e-invoice of bills paid partly by insurance prints how the payment was split:
-- pooled fund (统筹), personal account (个账) and cash. { fundFen, accountFen, cashFen }
ALTER TABLE einvoices ADD COLUMN insurance_split jsonb;
