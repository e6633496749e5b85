-- MSG-06: operators may push care messages (health news, reminders) to patients.
INSERT INTO role_permissions (role_code, permission) VALUES ('operator', 'notifications.send');
