import {
  bigint,
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  subjectKind: text('subject_kind').$type<'patient' | 'staff'>().notNull(),
  subjectId: text('subject_id').notNull(),
  createdAt: tz('created_at').notNull(),
  lastSeenAt: tz('last_seen_at').notNull(),
  expiresAt: tz('expires_at').notNull(),
  revokedAt: tz('revoked_at'),
  userAgent: text('user_agent'),
  ip: text('ip'),
});

export const refreshTokens = pgTable('refresh_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  sessionId: text('session_id').notNull(),
  createdAt: tz('created_at').notNull(),
  expiresAt: tz('expires_at').notNull(),
  usedAt: tz('used_at'),
});

export const staffUsers = pgTable('staff_users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  mustChangePassword: boolean('must_change_password').notNull().default(true),
  enabled: boolean('enabled').notNull().default(true),
  doctorId: text('doctor_id'),
  departmentId: text('department_id'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const roles = pgTable('roles', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  builtin: boolean('builtin').notNull().default(false),
});

export const rolePermissions = pgTable(
  'role_permissions',
  { roleCode: text('role_code').notNull(), permission: text('permission').notNull() },
  (t) => [primaryKey({ columns: [t.roleCode, t.permission] })],
);

export const staffUserRoles = pgTable(
  'staff_user_roles',
  { staffId: text('staff_id').notNull(), roleCode: text('role_code').notNull() },
  (t) => [primaryKey({ columns: [t.staffId, t.roleCode] })],
);

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: tz('at').notNull(),
  actorKind: text('actor_kind').notNull(),
  actorId: text('actor_id'),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  objectType: text('object_type'),
  objectId: text('object_id'),
  outcome: text('outcome').notNull(),
  ip: text('ip'),
  requestId: text('request_id'),
  detail: jsonb('detail'),
});

// Mirrors migrations/1100_event_bus.sql: one row per published event (platform/events.ts) ...
export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  payload: jsonb('payload').notNull(),
  publishedAt: tz('published_at').notNull(),
});

// ... and one per after-commit subscriber of it: the dispatcher's work list and its dead letters.
export const outboxDeliveries = pgTable(
  'outbox_deliveries',
  {
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    subscriber: text('subscriber').notNull(),
    state: text('state').$type<'pending' | 'delivered' | 'dead'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tz('next_attempt_at').notNull(),
    lastAttemptAt: tz('last_attempt_at'),
    lastError: text('last_error'),
    deliveredAt: tz('delivered_at'),
    deadAt: tz('dead_at'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.subscriber] })],
);

// Mirrors migrations/1040_patient_access_log.sql: the patient-data reads among audit_log rows.
export const auditPatientAccess = pgTable('audit_patient_access', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  auditId: bigint('audit_id', { mode: 'number' }).notNull(),
  at: tz('at').notNull(),
  subjectPatientId: text('subject_patient_id'),
  subjectPersonIdx: text('subject_person_idx'),
  recordKind: text('record_kind').notNull(),
  ground: text('ground').notNull(),
  actorKind: text('actor_kind').$type<'staff' | 'patient'>().notNull(),
  actorId: text('actor_id').notNull(),
  actorRoles: text('actor_roles').array().notNull(),
  actorDepartmentId: text('actor_department_id'),
  actorRelation: text('actor_relation'),
  objectType: text('object_type').notNull(),
  objectId: text('object_id'),
});
