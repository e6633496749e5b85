-- Finance suspends and resumes credit care by hand (console).
INSERT INTO role_permissions (role_code, permission) VALUES ('finance', 'credit.manage')
ON CONFLICT DO NOTHING;
