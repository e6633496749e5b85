-- Finance re-issues failed e-invoices.
INSERT INTO role_permissions (role_code, permission) VALUES ('finance', 'einvoices.manage')
ON CONFLICT DO NOTHING;
