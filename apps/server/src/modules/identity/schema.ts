import { boolean, date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// Mirrors migrations/0100_identity.sql and 1000_identity_claims.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type IdType = 'resident_id' | 'hk_macao_tw_residence' | 'foreign_permanent_residence';
export type Relation = 'self' | 'spouse' | 'parent' | 'child' | 'other';
export type Gender = 'male' | 'female';
export type ConsentState = 'not_required' | 'pending' | 'granted';
/** Who confirmed that the name and the ID number belong together (1000_identity_claims.sql). */
export type VerifiedBy = 'sandbox' | 'counter' | 'legacy';
/** How a family member's hospital records were opened to the account. */
export type ConsentBy = 'sms' | 'counter' | 'legacy';
export type OAuthProvider = 'wechat' | 'alipay';

export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  phoneEnc: text('phone_enc'),
  phoneIdx: text('phone_idx').unique(),
  passwordHash: text('password_hash'),
  passwordChangedAt: tz('password_changed_at'),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: tz('locked_until'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const accountLinks = pgTable(
  'account_links',
  {
    provider: text('provider').$type<OAuthProvider>().notNull(),
    openid: text('openid').notNull(),
    accountId: text('account_id').notNull(),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.openid] })],
);

export const smsCodes = pgTable('sms_codes', {
  id: text('id').primaryKey(),
  purpose: text('purpose').$type<'login' | 'consent'>().notNull(),
  phoneIdx: text('phone_idx').notNull(),
  subjectId: text('subject_id'),
  codeHash: text('code_hash').notNull(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  expiresAt: tz('expires_at').notNull(),
  consumedAt: tz('consumed_at'),
  deadAt: tz('dead_at'),
  ip: text('ip'),
});

export const patients = pgTable('patients', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull(),
  name: text('name').notNull(),
  idType: text('id_type').$type<IdType>().notNull(),
  idNumberEnc: text('id_number_enc').notNull(),
  idNumberIdx: text('id_number_idx').notNull(),
  idNumberMasked: text('id_number_masked').notNull(),
  phoneEnc: text('phone_enc').notNull(),
  phoneIdx: text('phone_idx').notNull(),
  phoneMasked: text('phone_masked').notNull(),
  gender: text('gender').$type<Gender>().notNull(),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
  relation: text('relation').$type<Relation>().notNull(),
  isDefault: boolean('is_default').notNull().default(false),
  verifiedAt: tz('verified_at'),
  verifiedBy: text('verified_by').$type<VerifiedBy>(),
  consentState: text('consent_state').$type<ConsentState>().notNull(),
  consentAt: tz('consent_at'),
  consentBy: text('consent_by').$type<ConsentBy>(),
  visitCardNo: text('visit_card_no'),
  /** The visit card number whose binding event was published (the backfill announces the others). */
  visitCardAnnounced: text('visit_card_announced'),
  healthCardNo: text('health_card_no'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
  deletedAt: tz('deleted_at'),
});

export const patientIdentityChanges = pgTable('patient_identity_changes', {
  id: text('id').primaryKey(),
  patientId: text('patient_id').notNull(),
  accountId: text('account_id').notNull(),
  oldIdNumberIdx: text('old_id_number_idx').notNull(),
  newIdNumberIdx: text('new_id_number_idx').notNull(),
  changedAt: tz('changed_at').notNull(),
});

/** IDN-13 face verification sessions (migrations/1150_face_sessions.sql). */
export type FaceSessionState = 'started' | 'passed' | 'failed' | 'used';
export const faceSessions = pgTable('face_sessions', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull(),
  idNumberIdx: text('id_number_idx').notNull(),
  provider: text('provider').notNull(),
  providerSessionId: text('provider_session_id').notNull(),
  state: text('state').$type<FaceSessionState>().notNull(),
  outcome: text('outcome'),
  tokenHash: text('token_hash'),
  expiresAt: tz('expires_at').notNull(),
  createdAt: tz('created_at').notNull(),
  confirmedAt: tz('confirmed_at'),
  usedAt: tz('used_at'),
  usedForPatientId: text('used_for_patient_id'),
});
