-- Notifications: the in-app message centre, the delivery log of outside channels (SMS, WeChat
-- subscribe messages, Alipay messages) with retries, and the console SMS sender's record.

CREATE TABLE messages (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  template text NOT NULL,
  category text NOT NULL,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  body_zh text NOT NULL,
  body_en text NOT NULL,
  link text,
  created_at timestamptz NOT NULL,
  read_at timestamptz
);
CREATE INDEX messages_account_idx ON messages (account_id, created_at DESC);
CREATE INDEX messages_unread_idx ON messages (account_id) WHERE read_at IS NULL;

CREATE TABLE notification_deliveries (
  id text PRIMARY KEY,
  message_id text NOT NULL REFERENCES messages(id),
  account_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('sms', 'wechat', 'alipay')),
  template text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  provider_message_id text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  updated_at timestamptz NOT NULL
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_deliveries_account_idx ON notification_deliveries (account_id, created_at DESC);

-- Every SMS the console (sandbox) sender "sent": phone encrypted, masked copy for the staff list.
CREATE TABLE sms_messages (
  id text PRIMARY KEY,
  provider text NOT NULL,
  phone_enc text NOT NULL,
  phone_idx text NOT NULL,
  phone_masked text NOT NULL,
  template text NOT NULL,
  content text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX sms_messages_created_idx ON sms_messages (created_at DESC);
CREATE INDEX sms_messages_phone_idx ON sms_messages (phone_idx, created_at DESC);

INSERT INTO role_permissions (role_code, permission) VALUES ('operator', 'notifications.read');
