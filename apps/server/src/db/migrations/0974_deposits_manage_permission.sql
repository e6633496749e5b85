-- Finance retries the HIS write-back of an inpatient deposit the retry job gave up on (console).
INSERT INTO role_permissions (role_code, permission) VALUES ('finance', 'deposits.manage')
ON CONFLICT DO NOTHING;
