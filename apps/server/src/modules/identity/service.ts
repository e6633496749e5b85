import { and, asc, count, desc, eq, gte, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { audit, auditPatientAccess } from '../../platform/audit.js';
import { hospitalDay } from '../../platform/clock.js';
import { conflict, DomainError } from '../../platform/errors.js';
import { IdentityProviderUnavailable } from '../../integrations/identity/index.js';
import { newId } from '../../platform/ids.js';
import { maskIdNumber, maskPhone } from '../../platform/pii.js';
import { notify } from '../notifications/index.js';
import { ageOn, normaliseName, verifyIdNumber, type VerifiedIdentity } from './id-documents.js';
import { piiCipher } from './pii.js';
import { assertFaceTokenUsable, faceVerificationRequired, spendFaceToken } from './face.js';
import { PatientRemoved, VisitCardBound } from './visit-card-bound.js';
import { sendCode, consumeCode, type CodeSent } from './sms-codes.js';
import {
  accounts,
  patientIdentityChanges,
  patients,
  type ConsentState,
  type Gender,
  type IdType,
  type Relation,
  type VerifiedBy,
} from './schema.js';

export { accountContacts } from './accounts.js';

/** A patient as other modules see it (server side only: idNumber and phone are plain text here). */
export interface PatientRecord {
  id: string;
  accountId: string;
  name: string;
  idType: IdType;
  idNumber: string;
  idNumberMasked: string;
  phone: string;
  phoneMasked: string;
  gender: Gender;
  birthDate: string;
  relation: Relation;
  isDefault: boolean;
  verified: boolean;
  consentState: ConsentState;
  /** whether the hospital's records of this person reach the account, and if not, why */
  recordsAccess: RecordsAccess;
  visitCardNo: string | null;
  healthCardNo: string | null;
  createdAt: Date;
}

/**
 * Whether a patient's hospital records (reports, bills, visits, prescriptions, e-invoices, insurance,
 * inpatient stays ...) reach the account: open, or what is still missing. unverified: no provider
 * (or the counter) confirmed the name with the ID number; consent_pending: the person (14 or older)
 * has not confirmed the SMS code sent to their own phone; guardian_pending: a child under 14 is
 * linked only at the counter, where the guardian shows the documents (PIPL Art. 31).
 */
export type RecordsAccess = 'open' | 'unverified' | 'consent_pending' | 'guardian_pending';

/** A patient as the API shows it: numbers masked. */
export interface PatientView {
  id: string;
  name: string;
  relation: Relation;
  idType: IdType;
  idNumberMasked: string;
  phoneMasked: string;
  gender: Gender;
  birthDate: string;
  age: number;
  isDefault: boolean;
  verified: boolean;
  consent: ConsentState;
  recordsAccess: RecordsAccess;
  visitCardNo: string | null;
  healthCardNo: string | null;
  createdAt: string;
}

export const RELATION_LABELS: Record<Relation, { zh: string; en: string }> = {
  self: { zh: '本人', en: 'self' },
  spouse: { zh: '配偶', en: 'spouse' },
  parent: { zh: '父母', en: 'parent' },
  child: { zh: '子女', en: 'child' },
  other: { zh: '其他', en: 'other' },
};

const IDENTITY_CHANGE_MIN_DAYS = 30;
const IDENTITY_CHANGES_PER_YEAR = 3;
// IDN-09: binding and unbinding strangers in turn is the other way to recycle an account, so new
// bindings (removed ones included) are limited per 30 days.
const BINDINGS_PER_30_DAYS = 10;

type PatientRow = typeof patients.$inferSelect;

/** The one answer for "no such patient for you": a foreign, removed or hidden patient reads the same. */
export const patientNotFound = () =>
  new DomainError('PATIENT_NOT_FOUND', 404, '就诊人不存在', 'Patient not found');

/**
 * The access decision for patient-scoped actions that touch no hospital record (edit, unbind, cards,
 * booking): the patient must belong to the account and not be removed. A foreign or removed patient
 * is the same 404, so ids of other people's patients cannot be probed.
 */
export async function getPatientForAccount(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  db: Db = ctx.db,
): Promise<PatientRecord> {
  const row = await activePatientRow(db, accountId, patientId);
  if (!row) throw patientNotFound();
  return toRecord(ctx, row);
}

/**
 * The one access decision for the hospital's records of a person (issue 9, IDN-05, IDN-10): the
 * patient belongs to the account, a provider (or the counter) confirmed the name with the ID number,
 * and either it is the account holder's own identity (a verified "self" is held by one account only,
 * patients_self_claim_uq) or the person consented (SMS code to their own phone, or the counter for a
 * child under 14). An ID number alone opens nothing. Every refusal reads like a missing patient (404);
 * the patient list tells the holder what is missing (recordsAccess).
 */
export async function getPatientForRecords(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  db: Db = ctx.db,
): Promise<PatientRecord> {
  const row = await activePatientRow(db, accountId, patientId);
  if (!row || recordsAccessOf(ctx, row) !== 'open') throw patientNotFound();
  return toRecord(ctx, row);
}

/** SQL for "this patient row's hospital records are open to its account" (see getPatientForRecords). */
function recordsOpen(): SQL {
  return and(
    isNull(patients.deletedAt),
    isNotNull(patients.verifiedAt),
    or(eq(patients.relation, 'self'), eq(patients.consentState, 'granted')),
  )!;
}

export function recordsAccessOf(ctx: AppContext, r: PatientRow): RecordsAccess {
  if (r.deletedAt || !r.verifiedAt) return 'unverified';
  if (r.relation === 'self' || r.consentState === 'granted') return 'open';
  const today = ctx.clock.today();
  return ageOn(r.birthDate, today) < CONSENT_AGE ? 'guardian_pending' : 'consent_pending';
}

/** A patient by id regardless of account (staff paths and integrations; callers check access). */
export async function getPatientById(
  ctx: AppContext,
  patientId: string,
  db: Db = ctx.db,
): Promise<PatientRecord> {
  const [row] = await db
    .select()
    .from(patients)
    .where(and(eq(patients.id, patientId), isNull(patients.deletedAt)));
  if (!row) throw patientNotFound();
  return toRecord(ctx, row);
}

/** HMAC blind index of an ID or phone number, for equality look-ups in other modules' tables. */
export function blindIndexOf(ctx: AppContext, value: string): string {
  return piiCipher(ctx.config).blindIndex(value);
}

/**
 * Active patients (any account) holding this ID number, found by blind index; those whose records are
 * open to their account come first (the verified "self" before family), so an outside record is
 * attached to a verified binding rather than to whoever typed the number first.
 */
export async function findPatientsByIdNumber(ctx: AppContext, idNumber: string): Promise<PatientRecord[]> {
  const rows = await ctx.db
    .select()
    .from(patients)
    .where(and(eq(patients.idNumberIdx, blindIndexOf(ctx, idNumber)), isNull(patients.deletedAt)))
    .orderBy(...linkedFirst());
  return rows.map((r) => toRecord(ctx, r));
}

/** The live patients holding a visit card (电子就诊卡) number: how HIS pushes name a patient. Linked first. */
export async function findPatientsByVisitCard(ctx: AppContext, cardNo: string): Promise<PatientRecord[]> {
  const rows = await ctx.db
    .select()
    .from(patients)
    .where(and(eq(patients.visitCardNo, cardNo.trim().toUpperCase()), isNull(patients.deletedAt)))
    .orderBy(...linkedFirst());
  return rows.map((r) => toRecord(ctx, r));
}

const linkedFirst = () => [
  desc(sql`(${recordsOpen()})`),
  desc(sql`(${patients.relation} = 'self')`),
  asc(patients.createdAt),
  asc(patients.id),
];

/**
 * An account's own patient records that match a person by the blind index of their ID number or by
 * their visit card and whose hospital records are open to the account (verified, own claim or
 * consent, as getPatientForRecords): how other modules find "which of my patients" an outside record
 * (a bill, an e-invoice) belongs to.
 */
export async function findAccountPatientsByPerson(
  ctx: AppContext,
  accountId: string,
  person: { idNumberIdx?: string | null; visitCardNo?: string | null },
): Promise<string[]> {
  const conds = [];
  if (person.idNumberIdx) conds.push(eq(patients.idNumberIdx, person.idNumberIdx));
  if (person.visitCardNo) conds.push(eq(patients.visitCardNo, person.visitCardNo.trim().toUpperCase()));
  if (!conds.length) return [];
  const rows = await ctx.db
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.accountId, accountId), recordsOpen(), or(...conds)));
  return rows.map((r) => r.id);
}

/**
 * Every live patient record (any account) of a person named by an outside record, by the blind index
 * of the ID number or by the visit card, whose records are open to its account: whom to tell about it
 * (a message about a bill is itself part of the record).
 */
export async function findPatientsByPerson(
  ctx: AppContext,
  person: { idNumberIdx?: string | null; visitCardNo?: string | null },
): Promise<PatientRecord[]> {
  const conds = [];
  if (person.idNumberIdx) conds.push(eq(patients.idNumberIdx, person.idNumberIdx));
  if (person.visitCardNo) conds.push(eq(patients.visitCardNo, person.visitCardNo.trim().toUpperCase()));
  if (!conds.length) return [];
  const rows = await ctx.db
    .select()
    .from(patients)
    .where(and(recordsOpen(), or(...conds)));
  return rows.map((r) => toRecord(ctx, r));
}

// Other modules refuse the removal of a patient with unfinished business (an unpaid or upcoming
// registration, an open consultation) by subscribing to PatientRemoved in its transaction and
// throwing a DomainError there.

// ---- patient-facing actions ----

export interface NewPatient {
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  relation: Relation;
  /** IDN-13: the token of a passed face verification, when the hospital requires one to add oneself */
  faceToken?: string;
}

export async function listPatients(ctx: AppContext, accountId: string): Promise<PatientView[]> {
  const rows = await ctx.db
    .select()
    .from(patients)
    .where(and(eq(patients.accountId, accountId), isNull(patients.deletedAt)))
    .orderBy(asc(patients.createdAt), asc(patients.id));
  return rows.map((r) => patientView(ctx, r));
}

/**
 * Adds a family member (就诊人) after real-name verification (IDN-05, IDN-06): the ID number's form
 * here, then the provider's answer that the name and the number belong together; a wrong name or an
 * unknown number is refused and nothing is saved. One's own identity ("self") is held by one account
 * only; anyone else starts with their records closed until they consent (or, under 14, the counter).
 * The account row is locked so that the family limit and the duplicate check hold under concurrency;
 * the claim on an identity holds across accounts through patients_self_claim_uq.
 */
export async function addPatient(
  ctx: AppContext,
  accountId: string,
  input: NewPatient,
): Promise<PatientView> {
  const today = ctx.clock.today();
  const name = normaliseName(input.name);
  const identity = verifyIdNumber(input.idType, input.idNumber, today);
  const cipher = piiCipher(ctx.config);
  const idIdx = cipher.blindIndex(identity.idNumber);
  const now = ctx.clock.now();
  // the provider is asked (and paid) only for a binding the account may make; the checks run again
  // under the account lock, since another request may have bound someone meanwhile
  await assertBindingAllowed(ctx, ctx.db, accountId, idIdx, input.relation, { claimChecked: false });
  // IDN-13: where the hospital asks for it, claiming oneself needs a live face of this very person
  const faceToken = input.relation === 'self' && faceVerificationRequired(ctx) ? input.faceToken : undefined;
  if (input.relation === 'self' && faceVerificationRequired(ctx))
    await assertFaceTokenUsable(ctx, accountId, faceToken, idIdx);
  const verifiedBy = await confirmRealName(ctx, name, identity);
  const row = await claimingIdentity(() =>
    ctx.db.transaction(async (tx) => {
      await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
      const active = await assertBindingAllowed(ctx, tx, accountId, idIdx, input.relation, {
        claimChecked: true,
      });
      const [inserted] = await tx
        .insert(patients)
        .values({
          id: newId(),
          accountId,
          name,
          idType: identity.idType,
          idNumberEnc: cipher.encrypt(identity.idNumber),
          idNumberIdx: idIdx,
          idNumberMasked: maskIdNumber(identity.idNumber),
          phoneEnc: cipher.encrypt(input.phone),
          phoneIdx: cipher.blindIndex(input.phone),
          phoneMasked: maskPhone(input.phone),
          gender: identity.gender,
          birthDate: identity.birthDate,
          relation: input.relation,
          isDefault: active.length === 0,
          verifiedAt: now,
          verifiedBy,
          consentState: input.relation === 'self' ? 'not_required' : 'pending',
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (faceToken)
        await spendFaceToken(ctx, tx, { accountId, faceToken, idNumberIdx: idIdx, patientId: inserted.id });
      await notify(ctx, { accountId, template: 'patient.bound', data: bindingData(inserted) }, tx);
      return inserted;
    }),
  );
  return patientView(ctx, row);
}

/**
 * Family limit, duplicates, one "self", the 30-day binding limit and (claimChecked) the one claim on
 * an identity. The claim is checked only after the provider matched the name: told "claimed" for a
 * bare number, anyone could probe which numbers have an owner on the platform.
 */
async function assertBindingAllowed(
  ctx: AppContext,
  db: Db,
  accountId: string,
  idIdx: string,
  relation: Relation,
  opts: { claimChecked: boolean },
): Promise<PatientRow[]> {
  const now = ctx.clock.now();
  const active = await db
    .select()
    .from(patients)
    .where(and(eq(patients.accountId, accountId), isNull(patients.deletedAt)));
  if (active.some((p) => p.idNumberIdx === idIdx)) throw duplicate();
  if (active.length >= ctx.config.MAX_PATIENTS_PER_ACCOUNT) {
    throw conflict(
      'PATIENT_LIMIT_REACHED',
      `每个账号最多绑定 ${ctx.config.MAX_PATIENTS_PER_ACCOUNT} 位就诊人`,
      `An account can hold at most ${ctx.config.MAX_PATIENTS_PER_ACCOUNT} patients`,
      { max: ctx.config.MAX_PATIENTS_PER_ACCOUNT },
    );
  }
  if (relation === 'self' && active.some((p) => p.relation === 'self')) throw selfExists();
  if (relation === 'self' && opts.claimChecked) await assertIdentityUnclaimed(db, idIdx, accountId);
  const [recent] = await db
    .select({ n: count() })
    .from(patients)
    .where(
      and(
        eq(patients.accountId, accountId),
        gte(patients.createdAt, new Date(now.getTime() - 30 * 86400_000)),
      ),
    );
  if (recent.n >= BINDINGS_PER_30_DAYS) {
    throw new DomainError(
      'PATIENT_BIND_LIMITED',
      429,
      `30 天内最多新绑定 ${BINDINGS_PER_30_DAYS} 位就诊人，请稍后再试`,
      `At most ${BINDINGS_PER_30_DAYS} patients can be bound in 30 days`,
      { max: BINDINGS_PER_30_DAYS },
    );
  }
  return active;
}

export async function getPatientView(
  ctx: AppContext,
  accountId: string,
  patientId: string,
): Promise<PatientView> {
  const row = await activePatientRow(ctx.db, accountId, patientId);
  if (!row) throw patientNotFound();
  return patientView(ctx, row);
}

/**
 * IDN-09: only the phone and the relation may be edited; the verified identity changes only through
 * identityChange. The relation moves among family relations only: "self" is neither given nor taken
 * by an edit.
 */
export async function updatePatient(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  input: { phone?: string; relation?: Relation },
): Promise<PatientView> {
  const cipher = piiCipher(ctx.config);
  const row = await claimingIdentity(() =>
    ctx.db.transaction(async (tx) => {
      await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
      const current = await activePatientRow(tx, accountId, patientId);
      if (!current) throw patientNotFound();
      const changes: Partial<typeof patients.$inferInsert> = { updatedAt: ctx.clock.now() };
      if (input.phone) {
        changes.phoneEnc = cipher.encrypt(input.phone);
        changes.phoneIdx = cipher.blindIndex(input.phone);
        changes.phoneMasked = maskPhone(input.phone);
      }
      if (input.relation && input.relation !== current.relation) {
        // "self" is a claim on an identity (one account per person) and opens its records: it is made
        // by adding oneself, never by relabelling a family member, and given up by removing it
        if (input.relation === 'self' || current.relation === 'self') throw selfNotRelabelled();
        changes.relation = input.relation;
      }
      const [updated] = await tx.update(patients).set(changes).where(eq(patients.id, patientId)).returning();
      return updated;
    }),
  );
  return patientView(ctx, row);
}

export async function makeDefaultPatient(
  ctx: AppContext,
  accountId: string,
  patientId: string,
): Promise<PatientView> {
  const row = await ctx.db.transaction(async (tx) => {
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    if (!(await activePatientRow(tx, accountId, patientId))) throw patientNotFound();
    await tx
      .update(patients)
      .set({ isDefault: false })
      .where(and(eq(patients.accountId, accountId), eq(patients.isDefault, true)));
    const [updated] = await tx
      .update(patients)
      .set({ isDefault: true, updatedAt: ctx.clock.now() })
      .where(eq(patients.id, patientId))
      .returning();
    return updated;
  });
  return patientView(ctx, row);
}

/**
 * Unbinds a patient (soft delete, the history stays); the next oldest becomes the default. Modules
 * with unfinished business for the patient veto it in the transaction (PatientRemoved).
 */
export async function removePatient(ctx: AppContext, accountId: string, patientId: string): Promise<void> {
  const existing = await getPatientForAccount(ctx, accountId, patientId);
  const now = ctx.clock.now();
  await ctx.events.transaction(async (tx) => {
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    const [removed] = await tx
      .update(patients)
      .set({ deletedAt: now, isDefault: false, updatedAt: now })
      .where(and(eq(patients.id, patientId), eq(patients.accountId, accountId), isNull(patients.deletedAt)))
      .returning();
    if (!removed) throw patientNotFound();
    await ctx.events.publish(tx, PatientRemoved({ patientId, accountId }));
    if (existing.isDefault) {
      const [next] = await tx
        .select({ id: patients.id })
        .from(patients)
        .where(and(eq(patients.accountId, accountId), isNull(patients.deletedAt)))
        .orderBy(asc(patients.createdAt), asc(patients.id))
        .limit(1);
      if (next) await tx.update(patients).set({ isDefault: true }).where(eq(patients.id, next.id));
    }
    await notify(ctx, { accountId, template: 'patient.unbound', data: bindingData(removed) }, tx);
  });
}

/**
 * IDN-09 (防黄牛): a verified identity is replaced only with a fresh real-name verification, at most
 * once in 30 days and three times in a year per account, so an account cannot be recycled for
 * strangers. The new person starts without consent and without the old person's cards.
 */
export async function changePatientIdentity(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  input: { name: string; idType?: IdType; idNumber: string },
): Promise<PatientView> {
  const now = ctx.clock.now();
  const today = hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE);
  const name = normaliseName(input.name);
  const cipher = piiCipher(ctx.config);
  const before = await getPatientForAccount(ctx, accountId, patientId);
  const identity = verifyIdNumber(input.idType ?? before.idType, input.idNumber, today);
  const idIdx = cipher.blindIndex(identity.idNumber);
  if (
    idIdx === blindIndexOf(ctx, before.idNumber) &&
    name === before.name &&
    identity.idType === before.idType
  ) {
    throw conflict('IDENTITY_UNCHANGED', '身份信息未变化', 'The identity is unchanged');
  }
  const row = await claimingIdentity(() =>
    ctx.db.transaction(async (tx) => {
      await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
      const current = await activePatientRow(tx, accountId, patientId);
      if (!current) throw patientNotFound();
      if (current.idNumberIdx !== blindIndexOf(ctx, before.idNumber) || current.relation !== before.relation)
        throw patientChanged();
      const yearAgo = new Date(now.getTime() - 365 * 86400_000);
      const changes = await tx
        .select()
        .from(patientIdentityChanges)
        .where(
          and(
            eq(patientIdentityChanges.accountId, accountId),
            gte(patientIdentityChanges.changedAt, yearAgo),
          ),
        )
        .orderBy(asc(patientIdentityChanges.changedAt));
      const last = changes[changes.length - 1];
      const minGapMs = IDENTITY_CHANGE_MIN_DAYS * 86400_000;
      if (
        changes.length >= IDENTITY_CHANGES_PER_YEAR ||
        (last && now.getTime() - last.changedAt.getTime() < minGapMs)
      ) {
        const nextAllowed =
          changes.length >= IDENTITY_CHANGES_PER_YEAR
            ? new Date(
                changes[changes.length - IDENTITY_CHANGES_PER_YEAR].changedAt.getTime() + 365 * 86400_000,
              )
            : new Date(last.changedAt.getTime() + minGapMs);
        throw new DomainError(
          'IDENTITY_CHANGE_LIMITED',
          429,
          `身份信息变更过于频繁（每 ${IDENTITY_CHANGE_MIN_DAYS} 天 1 次、每年最多 ${IDENTITY_CHANGES_PER_YEAR} 次）`,
          `Identity changes are limited to one in ${IDENTITY_CHANGE_MIN_DAYS} days and ${IDENTITY_CHANGES_PER_YEAR} a year`,
          { nextAllowedAt: nextAllowed.toISOString() },
        );
      }
      if (idIdx !== current.idNumberIdx) {
        const [other] = await tx
          .select({ id: patients.id })
          .from(patients)
          .where(
            and(
              eq(patients.accountId, accountId),
              eq(patients.idNumberIdx, idIdx),
              isNull(patients.deletedAt),
            ),
          );
        if (other) throw duplicate();
      }
      // asked last, under this account's lock only: a refused change costs no provider query; the
      // claim is checked after the provider matched the name, so a bare number probes nothing
      const verifiedBy = await confirmRealName(ctx, name, identity);
      if (idIdx !== current.idNumberIdx && current.relation === 'self')
        await assertIdentityUnclaimed(tx, idIdx, accountId);
      const samePerson = idIdx === current.idNumberIdx;
      const [updated] = await tx
        .update(patients)
        .set({
          name,
          idType: identity.idType,
          idNumberEnc: cipher.encrypt(identity.idNumber),
          idNumberIdx: idIdx,
          idNumberMasked: maskIdNumber(identity.idNumber),
          gender: identity.gender,
          birthDate: identity.birthDate,
          verifiedAt: now,
          verifiedBy,
          ...(samePerson
            ? {}
            : {
                consentState: current.relation === 'self' ? 'not_required' : 'pending',
                consentAt: null,
                consentBy: null,
                visitCardNo: null,
                healthCardNo: null,
              }),
          updatedAt: now,
        })
        .where(and(eq(patients.id, patientId), eq(patients.idNumberIdx, current.idNumberIdx)))
        .returning();
      if (!updated) throw patientChanged();
      await tx.insert(patientIdentityChanges).values({
        id: newId(),
        patientId,
        accountId,
        oldIdNumberIdx: current.idNumberIdx,
        newIdNumberIdx: idIdx,
        changedAt: now,
      });
      await notify(ctx, { accountId, template: 'patient.identity_changed', data: bindingData(updated) }, tx);
      return updated;
    }),
  );
  return patientView(ctx, row);
}

// ---- consent (IDN-10) ----

/**
 * Sends a consent code to the person's own phone, never to the account's: the login phone of the
 * account that holds the person's verified "self" when they have one (the number they proved by
 * logging in), else the phone entered for them. The HIS file's reserved phone would come before the
 * entered one, but the HIS interface hands out masked numbers only (docs/security.md). A child under
 * 14 cannot consent by SMS: the guardian links them at the counter.
 */
export async function requestConsent(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  meta: { ip?: string },
): Promise<CodeSent & { phoneMasked: string; sentTo: ConsentPhoneSource }> {
  const patient = await getPatientForAccount(ctx, accountId, patientId);
  assertConsentByCode(patient);
  const target = await consentPhoneOf(ctx, patient);
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, accountId));
  if (account?.phoneIdx && account.phoneIdx === blindIndexOf(ctx, target.phone)) {
    throw conflict(
      'CONSENT_PHONE_IS_ACCOUNT_PHONE',
      '授权验证码须发送到就诊人本人的手机，请先修改就诊人手机号',
      "The consent code must go to the patient's own phone, not the account's",
    );
  }
  const sent = await sendCode(ctx, {
    purpose: 'consent',
    phone: target.phone,
    subjectId: patient.id,
    ip: meta.ip,
    text: (code) =>
      `【青囊医院】您的家人申请查看您的就诊记录和报告，授权验证码 ${code}，5 分钟内有效。如不同意请忽略。`,
  });
  return { ...sent, phoneMasked: maskPhone(target.phone), sentTo: target.source };
}

export async function confirmConsent(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  code: string,
): Promise<PatientView> {
  const patient = await getPatientForAccount(ctx, accountId, patientId);
  assertConsentByCode(patient);
  const target = await consentPhoneOf(ctx, patient);
  await consumeCode(ctx, { purpose: 'consent', phone: target.phone, subjectId: patient.id, code });
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(patients)
      .set({ consentState: 'granted', consentAt: now, consentBy: 'sms', updatedAt: now })
      .where(
        and(
          eq(patients.id, patientId),
          eq(patients.consentState, 'pending'),
          eq(patients.idNumberIdx, blindIndexOf(ctx, patient.idNumber)),
          isNull(patients.deletedAt),
        ),
      )
      .returning();
    if (!updated) throw consentNotPending();
    await notify(ctx, { accountId, template: 'patient.consent_granted', data: bindingData(updated) }, tx);
    return updated;
  });
  return patientView(ctx, row);
}

export type ConsentPhoneSource = 'own_account' | 'entered';

async function consentPhoneOf(
  ctx: AppContext,
  patient: PatientRecord,
): Promise<{ phone: string; source: ConsentPhoneSource }> {
  const [own] = await ctx.db
    .select({ accountPhone: accounts.phoneEnc, patientPhone: patients.phoneEnc })
    .from(patients)
    .innerJoin(accounts, eq(accounts.id, patients.accountId))
    .where(
      and(
        eq(patients.idNumberIdx, blindIndexOf(ctx, patient.idNumber)),
        eq(patients.relation, 'self'),
        isNull(patients.deletedAt),
        isNotNull(patients.verifiedAt),
        ne(patients.accountId, patient.accountId),
      ),
    );
  if (own) {
    const cipher = piiCipher(ctx.config);
    return { phone: cipher.decrypt(own.accountPhone ?? own.patientPhone), source: 'own_account' };
  }
  return { phone: patient.phone, source: 'entered' };
}

function assertConsentByCode(p: PatientRecord) {
  if (p.consentState !== 'pending') throw consentNotPending();
  if (!p.verified) throw patientUnverified();
  if (p.recordsAccess === 'guardian_pending') {
    throw conflict(
      'CONSENT_GUARDIAN_AT_COUNTER',
      '未满 14 周岁的未成年人须由监护人携户口簿或出生医学证明到医院窗口办理关联，不能通过短信授权',
      'A child under 14 is linked by the guardian at a hospital counter (household register or birth certificate), not by SMS',
    );
  }
}

const consentNotPending = () =>
  conflict(
    'CONSENT_NOT_PENDING',
    '该就诊人无需授权或已授权',
    'This patient needs no consent or has already consented',
  );

/**
 * The person's side of consent (IDN-10, PIPL Art. 15): from their own verified "self", they see which
 * other accounts bound them and withdraw a consent; that account's access ends at once.
 */
export async function listRecordSharing(
  ctx: AppContext,
  accountId: string,
  patientId: string,
): Promise<RecordSharingView[]> {
  const self = await ownIdentity(ctx, accountId, patientId);
  const rows = await ctx.db
    .select({ p: patients, accountPhoneEnc: accounts.phoneEnc })
    .from(patients)
    .innerJoin(accounts, eq(accounts.id, patients.accountId))
    .where(
      and(
        eq(patients.idNumberIdx, blindIndexOf(ctx, self.idNumber)),
        ne(patients.accountId, accountId),
        isNull(patients.deletedAt),
      ),
    )
    .orderBy(asc(patients.createdAt), asc(patients.id));
  const cipher = piiCipher(ctx.config);
  return rows.map(({ p, accountPhoneEnc }) => ({
    id: p.id,
    relation: p.relation,
    accountPhoneMasked: accountPhoneEnc ? maskPhone(cipher.decrypt(accountPhoneEnc)) : null,
    consent: p.consentState,
    consentAt: p.consentAt?.toISOString() ?? null,
    boundAt: p.createdAt.toISOString(),
  }));
}

export interface RecordSharingView {
  /** the other account's patient record of this person */
  id: string;
  relation: Relation;
  accountPhoneMasked: string | null;
  consent: ConsentState;
  consentAt: string | null;
  boundAt: string;
}

export async function revokeRecordSharing(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  sharingId: string,
): Promise<RecordSharingView[]> {
  const self = await ownIdentity(ctx, accountId, patientId);
  const now = ctx.clock.now();
  // the withdrawal and the message to the account that loses access are one change
  const revoked = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(patients)
      .set({ consentState: 'pending', consentAt: null, consentBy: null, updatedAt: now })
      .where(
        and(
          eq(patients.id, sharingId),
          eq(patients.idNumberIdx, blindIndexOf(ctx, self.idNumber)),
          ne(patients.accountId, accountId),
          ne(patients.relation, 'self'),
          eq(patients.consentState, 'granted'),
          isNull(patients.deletedAt),
        ),
      )
      .returning();
    if (row)
      await notify(
        ctx,
        { accountId: row.accountId, template: 'patient.consent_withdrawn', data: bindingData(row) },
        tx,
      );
    return row;
  });
  if (!revoked) {
    throw new DomainError(
      'RECORD_SHARING_NOT_FOUND',
      404,
      '没有找到这项授权，或授权已撤回',
      'No such consent, or it was already withdrawn',
    );
  }
  return listRecordSharing(ctx, accountId, patientId);
}

/** The account holder's own verified identity (consent is the person's, not any relative's). */
async function ownIdentity(ctx: AppContext, accountId: string, patientId: string): Promise<PatientRecord> {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  if (p.relation !== 'self') throw patientNotFound();
  return p;
}

// ---- cards (IDN-11, IDN-12) ----

export type CardKind = 'visit' | 'health';

/** Binds an existing card (cardNo given, checked against the holder) or creates one. */
export async function bindCard(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  kind: CardKind,
  cardNo?: string,
): Promise<PatientView> {
  const patient = await getPatientForAccount(ctx, accountId, patientId);
  const column = kind === 'visit' ? 'visitCardNo' : 'healthCardNo';
  const label =
    kind === 'visit'
      ? { zh: '就诊卡', en: 'visit card', code: 'VISIT_CARD' }
      : { zh: '电子健康卡', en: 'health card', code: 'HEALTH_CARD' };
  if (patient[column]) {
    throw conflict(
      `${label.code}_ALREADY_BOUND`,
      `已绑定${label.zh}，请先解绑`,
      `A ${label.en} is already bound`,
    );
  }
  const service = kind === 'visit' ? ctx.adapters.visitCards : ctx.adapters.healthCards;
  const holder = holderOf(patient);
  let number: string;
  if (cardNo) {
    if (!(await service.belongsTo(cardNo, holder))) {
      throw new DomainError(
        `${label.code}_MISMATCH`,
        400,
        `${label.zh}号与就诊人身份不符`,
        `The ${label.en} number does not belong to this patient`,
      );
    }
    number = cardNo.toUpperCase();
  } else {
    number = (await service.create(holder)).cardNo;
  }
  // the HIS is told of a bound visit card in the same transaction as the binding
  const updated = await ctx.events.transaction(async (tx) => {
    const [row] = await tx
      .update(patients)
      .set({
        [column]: number,
        ...(kind === 'visit' ? { visitCardAnnounced: number } : {}),
        updatedAt: ctx.clock.now(),
      })
      .where(and(eq(patients.id, patientId), isNull(patients[column]), isNull(patients.deletedAt)))
      .returning();
    if (!row) {
      throw conflict(
        `${label.code}_ALREADY_BOUND`,
        `已绑定${label.zh}，请先解绑`,
        `A ${label.en} is already bound`,
      );
    }
    if (kind === 'visit') await ctx.events.publish(tx, VisitCardBound({ patientId, visitCardNo: number }));
    return row;
  });
  return patientView(ctx, updated);
}

const holderOf = (p: PatientRecord) => ({
  idType: p.idType,
  idNumber: p.idNumber,
  name: p.name,
  gender: p.gender,
  birthDate: p.birthDate,
});

export async function unbindCard(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  kind: CardKind,
): Promise<PatientView> {
  await getPatientForAccount(ctx, accountId, patientId);
  const column = kind === 'visit' ? 'visitCardNo' : 'healthCardNo';
  const [updated] = await ctx.db
    .update(patients)
    .set({ [column]: null, updatedAt: ctx.clock.now() })
    .where(and(eq(patients.id, patientId), eq(patients.accountId, accountId), isNull(patients.deletedAt)))
    .returning();
  return patientView(ctx, updated);
}

// ---- staff reads (audited) ----

export async function searchPatientsForStaff(
  ctx: AppContext,
  req: FastifyRequest,
  q: { phone?: string; idNumber?: string },
): Promise<(PatientView & { accountId: string })[]> {
  if (!q.phone && !q.idNumber) {
    throw new DomainError(
      'SEARCH_TERM_REQUIRED',
      400,
      '请输入手机号或证件号码',
      'Give a phone or an ID number',
    );
  }
  const where = [isNull(patients.deletedAt)];
  if (q.phone) where.push(eq(patients.phoneIdx, blindIndexOf(ctx, q.phone)));
  if (q.idNumber) where.push(eq(patients.idNumberIdx, blindIndexOf(ctx, q.idNumber.replace(/\s+/g, ''))));
  const rows = await ctx.db
    .select()
    .from(patients)
    .where(and(...where))
    .orderBy(asc(patients.createdAt))
    .limit(50);
  await audit(ctx, req, {
    action: 'patients.search',
    objectType: 'patient',
    detail: { by: q.phone ? 'phone' : 'idNumber', results: rows.length, patientIds: rows.map((r) => r.id) },
  });
  return rows.map((r) => ({ ...patientView(ctx, r), accountId: r.accountId }));
}

export async function readPatientForStaff(
  ctx: AppContext,
  req: FastifyRequest,
  patientId: string,
): Promise<PatientView & { accountId: string; removed: boolean }> {
  const [row] = await ctx.db.select().from(patients).where(eq(patients.id, patientId));
  if (!row) {
    await audit(ctx, req, {
      action: 'patients.read',
      objectType: 'patient',
      objectId: patientId,
      outcome: 'failed',
    });
    throw patientNotFound();
  }
  // The patient service reading a file is in the person's own access log (PIPL Art. 45).
  await auditPatientAccess(ctx, req, {
    action: 'patients.read',
    objectType: 'patient',
    objectId: patientId,
    recordKind: 'patient_profile',
    ground: 'service',
    subjects: { patientId: row.id, personIdx: row.idNumberIdx },
  });
  return { ...patientView(ctx, row), accountId: row.accountId, removed: row.deletedAt !== null };
}

/**
 * At the counter (窗口), staff who saw the identity documents in person link a patient (audited):
 * the identity is verified by the counter; a family member's records open (for a child under 14 the
 * guardian shows the household register or birth certificate, PIPL Art. 31); for "self" the counter
 * settles an appeal: the identity moves to this account and any other account's "self" of the same
 * number loses it (its records close at once).
 */
export async function linkPatientAtCounter(
  ctx: AppContext,
  req: FastifyRequest,
  patientId: string,
  input: { document: CounterDocument },
): Promise<PatientView & { accountId: string; released: string[] }> {
  const now = ctx.clock.now();
  const { row, released } = await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(patients)
      .where(and(eq(patients.id, patientId), isNull(patients.deletedAt)))
      .for('update');
    if (!current) throw patientNotFound();
    let released: string[] = [];
    if (current.relation === 'self') {
      const others = await tx
        .update(patients)
        .set({ verifiedAt: null, verifiedBy: null, updatedAt: now })
        .where(
          and(
            eq(patients.idNumberIdx, current.idNumberIdx),
            eq(patients.relation, 'self'),
            ne(patients.id, current.id),
            isNull(patients.deletedAt),
            isNotNull(patients.verifiedAt),
          ),
        )
        .returning({ id: patients.id });
      released = others.map((o) => o.id);
    }
    const [row] = await tx
      .update(patients)
      .set({
        verifiedAt: now,
        verifiedBy: 'counter',
        ...(current.relation === 'self'
          ? {}
          : { consentState: 'granted' as const, consentAt: now, consentBy: 'counter' as const }),
        updatedAt: now,
      })
      .where(eq(patients.id, patientId))
      .returning();
    return { row, released };
  });
  await audit(ctx, req, {
    action: 'patients.counter_link',
    objectType: 'patient',
    objectId: patientId,
    detail: { document: input.document, relation: row.relation, releasedPatientIds: released },
  });
  return { ...patientView(ctx, row), accountId: row.accountId, released };
}

export type CounterDocument = 'resident_id_card' | 'household_register' | 'birth_certificate' | 'other_id';

// ---- helpers ----

/** Asks the real-name provider whether the name and the number belong together; only "match" passes. */
async function confirmRealName(
  ctx: AppContext,
  name: string,
  identity: VerifiedIdentity,
): Promise<VerifiedBy> {
  const verifier = ctx.adapters.identityVerifier;
  let outcome;
  try {
    outcome = await verifier.checkRealName({ name, idType: identity.idType, idNumber: identity.idNumber });
  } catch (err) {
    if (!(err instanceof IdentityProviderUnavailable)) throw err;
    ctx.log.warn({ provider: verifier.kind }, 'real-name verification unavailable');
    throw new DomainError(
      'IDENTITY_CHECK_UNAVAILABLE',
      503,
      '实名核验服务暂时不可用，就诊人未添加，请稍后再试',
      'Real-name verification is unavailable now; the patient was not added, try again later',
      { retryable: true },
    );
  }
  // an unknown number and a wrong name read alike, so the check cannot probe which numbers exist
  if (outcome !== 'match') {
    throw new DomainError(
      'IDENTITY_NOT_CONFIRMED',
      422,
      '姓名与证件号码未通过实名核验，请核对后重试，或携证件到医院窗口办理',
      'The name and the ID number did not pass the real-name check; check them, or bring the ID document to a hospital counter',
    );
  }
  return verifier.kind;
}

/** One identity is the verified "self" of one live account (issue 9); a second claim is refused. */
async function assertIdentityUnclaimed(db: Db, idNumberIdx: string, accountId: string): Promise<void> {
  const [held] = await db
    .select({ id: patients.id })
    .from(patients)
    .where(
      and(
        eq(patients.idNumberIdx, idNumberIdx),
        eq(patients.relation, 'self'),
        isNull(patients.deletedAt),
        isNotNull(patients.verifiedAt),
        ne(patients.accountId, accountId),
      ),
    );
  if (held) throw identityClaimed();
}

/** Two accounts claiming one identity at the same moment: the unique index lets one through. */
async function claimingIdentity<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'patients_self_claim_uq')) throw identityClaimed();
    throw err;
  }
}

export const identityClaimed = () =>
  conflict(
    'IDENTITY_CLAIMED',
    '该身份已被其他账号绑定为“本人”。如确系本人，请携身份证到医院窗口申诉；或请该账号先解绑后再添加',
    'This identity is already bound as "self" by another account. If it is yours, appeal at a hospital counter with your ID card, or ask that account to remove it first',
    { wayOut: ['counter_appeal', 'other_account_unbinds'] },
  );

const selfNotRelabelled = () =>
  conflict(
    'PATIENT_SELF_NOT_RELABELLED',
    '“本人”不能通过修改关系设置或取消：请删除该就诊人后重新添加',
    'A patient becomes or stops being "self" only by removing and adding them again, not by an edit',
  );

const patientUnverified = () =>
  conflict(
    'PATIENT_UNVERIFIED',
    '就诊人未通过实名核验，请携证件到医院窗口办理',
    'The patient has not passed the real-name check; visit a hospital counter with the ID document',
  );

const patientChanged = () =>
  conflict('PATIENT_CHANGED', '就诊人信息已被修改，请刷新后重试', 'The patient changed meanwhile');

// PIPL Art. 31: the personal information of a child under 14 is processed with a guardian's consent.
const CONSENT_AGE = 14;

async function activePatientRow(
  db: Db,
  accountId: string,
  patientId: string,
): Promise<PatientRow | undefined> {
  const [row] = await db
    .select()
    .from(patients)
    .where(and(eq(patients.id, patientId), eq(patients.accountId, accountId), isNull(patients.deletedAt)));
  return row;
}

function toRecord(ctx: AppContext, r: PatientRow): PatientRecord {
  const cipher = piiCipher(ctx.config);
  return {
    id: r.id,
    accountId: r.accountId,
    name: r.name,
    idType: r.idType,
    idNumber: cipher.decrypt(r.idNumberEnc),
    idNumberMasked: r.idNumberMasked,
    phone: cipher.decrypt(r.phoneEnc),
    phoneMasked: r.phoneMasked,
    gender: r.gender,
    birthDate: r.birthDate,
    relation: r.relation,
    isDefault: r.isDefault,
    verified: r.verifiedAt !== null,
    consentState: r.consentState,
    recordsAccess: recordsAccessOf(ctx, r),
    visitCardNo: r.visitCardNo,
    healthCardNo: r.healthCardNo,
    createdAt: r.createdAt,
  };
}

export function patientView(ctx: AppContext, r: PatientRow): PatientView {
  return {
    id: r.id,
    name: r.name,
    relation: r.relation,
    idType: r.idType,
    idNumberMasked: r.idNumberMasked,
    phoneMasked: r.phoneMasked,
    gender: r.gender,
    birthDate: r.birthDate,
    age: ageOn(r.birthDate, ctx.clock.today()),
    isDefault: r.isDefault,
    verified: r.verifiedAt !== null,
    consent: r.consentState,
    recordsAccess: recordsAccessOf(ctx, r),
    visitCardNo: r.visitCardNo,
    healthCardNo: r.healthCardNo,
    createdAt: r.createdAt.toISOString(),
  };
}

function bindingData(r: PatientRow) {
  return {
    patientId: r.id,
    patientName: r.name,
    relationZh: RELATION_LABELS[r.relation].zh,
    relationEn: RELATION_LABELS[r.relation].en,
  };
}

const duplicate = () =>
  conflict(
    'PATIENT_DUPLICATE',
    '该就诊人已绑定，请勿重复添加',
    'This person is already a patient of the account',
  );

const selfExists = () =>
  conflict(
    'PATIENT_SELF_EXISTS',
    '账号已绑定本人，关系不能重复选择“本人”',
    'The account already has a "self" patient',
  );
