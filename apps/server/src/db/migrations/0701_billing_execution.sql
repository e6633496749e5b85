-- GUIDE-15: execution registered at the executing department's PDA records who did it.
ALTER TABLE bills ADD COLUMN executed_by text;

-- Nurses and pharmacists register execution (dispensing, performing) at the PDA.
INSERT INTO role_permissions (role_code, permission) VALUES ('nurse', 'execution.record');
INSERT INTO role_permissions (role_code, permission) VALUES ('pharmacist', 'execution.record');
