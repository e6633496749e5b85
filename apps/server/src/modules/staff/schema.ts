import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Failed staff logins counted per (username, address) and per address (migrations/1010). */
export const staffLoginThrottles = pgTable(
  'staff_login_throttles',
  {
    scope: text('scope').$type<'account_address' | 'address'>().notNull(),
    key: text('key').notNull(),
    username: text('username'),
    ip: text('ip').notNull(),
    failures: integer('failures').notNull(),
    windowStartedAt: tz('window_started_at').notNull(),
    lockedUntil: tz('locked_until'),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/** What administrators are alerted to: a login locked for an address, an address throttled. */
export const staffSecurityAlerts = pgTable('staff_security_alerts', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<'login_locked' | 'address_throttled'>().notNull(),
  staffId: text('staff_id'),
  username: text('username'),
  ip: text('ip').notNull(),
  failures: integer('failures').notNull(),
  lockedUntil: tz('locked_until').notNull(),
  createdAt: tz('created_at').notNull(),
  acknowledgedAt: tz('acknowledged_at'),
  acknowledgedBy: text('acknowledged_by'),
});
