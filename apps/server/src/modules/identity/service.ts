import { and, asc, count, eq, gte, isNull, ne, or } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { hospitalDay } from '../../platform/clock.js';
import { conflict, DomainError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { maskIdNumber, maskPhone } from '../../platform/pii.js';
import { notify } from '../notifications/service.js';
import { ageOn, normaliseName, verifyIdNumber } from './id-documents.js';
import { piiCipher } from './pii.js';
import { afterVisitCardBound, recordVisitCardBound } from './visit-card-bound.js';
import { sendCode, consumeCode, type CodeSent } from './sms-codes.js';
import {
  accounts,
  patientIdentityChanges,
  patients,
  type ConsentState,
  type Gender,
  type IdType,
  type Relation,
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
  visitCardNo: string | null;
  healthCardNo: string | null;
  createdAt: Date;
}

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
 * The access decision for every patient-scoped action: the patient must belong to the account and
 * not be removed; with requireConsent (records such as orders and reports, IDN-10) an adult family
 * member must have consented. Every refusal is the same 404, so ids of other people's patients
 * cannot be probed.
 */
export async function getPatientForAccount(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  opts: { requireConsent?: boolean } = {},
  db: Db = ctx.db,
): Promise<PatientRecord> {
  const row = await activePatientRow(db, accountId, patientId);
  if (!row) throw patientNotFound();
  if (opts.requireConsent && row.consentState === 'pending') throw patientNotFound();
  return toRecord(ctx, row);
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

/** Active patients (any account) holding this ID number, found by blind index. */
export async function findPatientsByIdNumber(ctx: AppContext, idNumber: string): Promise<PatientRecord[]> {
  const rows = await ctx.db
    .select()
    .from(patients)
    .where(and(eq(patients.idNumberIdx, blindIndexOf(ctx, idNumber)), isNull(patients.deletedAt)));
  return rows.map((r) => toRecord(ctx, r));
}

/** The live patients holding a visit card (电子就诊卡) number: how HIS pushes name a patient. */
export async function findPatientsByVisitCard(ctx: AppContext, cardNo: string): Promise<PatientRecord[]> {
  const rows = await ctx.db
    .select()
    .from(patients)
    .where(and(eq(patients.visitCardNo, cardNo.trim().toUpperCase()), isNull(patients.deletedAt)));
  return rows.map((r) => toRecord(ctx, r));
}

/**
 * An account's own patient records (not deleted) that match a person by the blind index of their
 * ID number or by their visit card: how other modules find "which of my patients" an outside record
 * (a bill, a report) belongs to. Consent is still checked by the caller through getPatientForAccount.
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
    .where(and(eq(patients.accountId, accountId), isNull(patients.deletedAt), or(...conds)));
  return rows.map((r) => r.id);
}

/**
 * Every live patient record (any account) of a person named by an outside record, by the blind index
 * of the ID number or by the visit card: whom to tell about it. Access is still each caller's check.
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
    .where(and(isNull(patients.deletedAt), or(...conds)));
  return rows.map((r) => toRecord(ctx, r));
}

export type PatientRemovalGuard = (ctx: AppContext, patient: PatientRecord) => Promise<void>;
const removalGuards: PatientRemovalGuard[] = [];

/**
 * Other modules refuse the removal of a patient with unfinished business (an unpaid or upcoming
 * registration, an open consultation) by registering a guard that throws a DomainError.
 */
export function registerPatientRemovalGuard(guard: PatientRemovalGuard): void {
  if (!removalGuards.includes(guard)) removalGuards.push(guard);
}

// ---- patient-facing actions ----

export interface NewPatient {
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  relation: Relation;
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
 * Adds a family member (就诊人) after real-name verification of the ID number (IDN-05, IDN-06).
 * The account row is locked so that the family limit and the duplicate check hold under concurrency.
 */
export async function addPatient(
  ctx: AppContext,
  accountId: string,
  input: NewPatient,
): Promise<PatientView> {
  const today = hospitalDay(ctx.clock.now(), ctx.config.HOSPITAL_TIMEZONE);
  const name = normaliseName(input.name);
  const identity = verifyIdNumber(input.idType, input.idNumber, today);
  const cipher = piiCipher(ctx.config);
  const idIdx = cipher.blindIndex(identity.idNumber);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    const active = await tx
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
    if (input.relation === 'self' && active.some((p) => p.relation === 'self')) throw selfExists();
    const [recent] = await tx
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
        consentState: consentNeeded(input.relation, identity.birthDate, today) ? 'pending' : 'not_required',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await notify(ctx, { accountId, template: 'patient.bound', data: bindingData(inserted) }, tx);
    return inserted;
  });
  return patientView(ctx, row);
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
 * identityChange. A relation edit never lifts a pending consent (calling an adult "self" does not
 * make their records visible), and turning "self" into a family member asks for consent.
 */
export async function updatePatient(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  input: { phone?: string; relation?: Relation },
): Promise<PatientView> {
  const today = hospitalDay(ctx.clock.now(), ctx.config.HOSPITAL_TIMEZONE);
  const cipher = piiCipher(ctx.config);
  const row = await ctx.db.transaction(async (tx) => {
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
      if (input.relation === 'self') {
        const [self] = await tx
          .select({ id: patients.id })
          .from(patients)
          .where(
            and(
              eq(patients.accountId, accountId),
              eq(patients.relation, 'self'),
              isNull(patients.deletedAt),
              ne(patients.id, patientId),
            ),
          );
        if (self) throw selfExists();
      }
      changes.relation = input.relation;
      if (
        current.consentState === 'not_required' &&
        consentNeeded(input.relation, current.birthDate, today)
      ) {
        changes.consentState = 'pending';
      }
    }
    const [updated] = await tx.update(patients).set(changes).where(eq(patients.id, patientId)).returning();
    return updated;
  });
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

/** Unbinds a patient (soft delete, the history stays); the next oldest becomes the default. */
export async function removePatient(ctx: AppContext, accountId: string, patientId: string): Promise<void> {
  const existing = await getPatientForAccount(ctx, accountId, patientId);
  for (const guard of removalGuards) await guard(ctx, existing);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    const [removed] = await tx
      .update(patients)
      .set({ deletedAt: now, isDefault: false, updatedAt: now })
      .where(and(eq(patients.id, patientId), eq(patients.accountId, accountId), isNull(patients.deletedAt)))
      .returning();
    if (!removed) throw patientNotFound();
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
  const row = await ctx.db.transaction(async (tx) => {
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    const current = await activePatientRow(tx, accountId, patientId);
    if (!current) throw patientNotFound();
    const identity = verifyIdNumber(input.idType ?? current.idType, input.idNumber, today);
    const idIdx = cipher.blindIndex(identity.idNumber);
    if (idIdx === current.idNumberIdx && name === current.name && identity.idType === current.idType) {
      throw conflict('IDENTITY_UNCHANGED', '身份信息未变化', 'The identity is unchanged');
    }
    const yearAgo = new Date(now.getTime() - 365 * 86400_000);
    const changes = await tx
      .select()
      .from(patientIdentityChanges)
      .where(
        and(eq(patientIdentityChanges.accountId, accountId), gte(patientIdentityChanges.changedAt, yearAgo)),
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
          and(eq(patients.accountId, accountId), eq(patients.idNumberIdx, idIdx), isNull(patients.deletedAt)),
        );
      if (other) throw duplicate();
    }
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
        ...(samePerson
          ? {}
          : {
              consentState: consentNeeded(current.relation, identity.birthDate, today)
                ? 'pending'
                : 'not_required',
              consentAt: null,
              visitCardNo: null,
              healthCardNo: null,
            }),
        updatedAt: now,
      })
      .where(and(eq(patients.id, patientId), eq(patients.idNumberIdx, current.idNumberIdx)))
      .returning();
    if (!updated)
      throw conflict('PATIENT_CHANGED', '就诊人信息已被修改，请刷新后重试', 'The patient changed meanwhile');
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
  });
  return patientView(ctx, row);
}

// ---- consent (IDN-10) ----

/** Sends a consent code to the family member's own phone (never to the account's login phone). */
export async function requestConsent(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  meta: { ip?: string },
): Promise<CodeSent & { phoneMasked: string }> {
  const patient = await getPatientForAccount(ctx, accountId, patientId);
  assertConsentPending(patient);
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, accountId));
  if (account?.phoneIdx && account.phoneIdx === blindIndexOf(ctx, patient.phone)) {
    throw conflict(
      'CONSENT_PHONE_IS_ACCOUNT_PHONE',
      '授权验证码须发送到就诊人本人的手机，请先修改就诊人手机号',
      "The consent code must go to the patient's own phone, not the account's",
    );
  }
  const sent = await sendCode(ctx, {
    purpose: 'consent',
    phone: patient.phone,
    subjectId: patient.id,
    ip: meta.ip,
    text: (code) =>
      `【青囊医院】您的家人申请查看您的就诊记录和报告，授权验证码 ${code}，5 分钟内有效。如不同意请忽略。`,
  });
  return { ...sent, phoneMasked: patient.phoneMasked };
}

export async function confirmConsent(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  code: string,
): Promise<PatientView> {
  const patient = await getPatientForAccount(ctx, accountId, patientId);
  assertConsentPending(patient);
  await consumeCode(ctx, { purpose: 'consent', phone: patient.phone, subjectId: patient.id, code });
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(patients)
      .set({ consentState: 'granted', consentAt: now, updatedAt: now })
      .where(
        and(eq(patients.id, patientId), eq(patients.consentState, 'pending'), isNull(patients.deletedAt)),
      )
      .returning();
    if (!updated) throw consentNotPending();
    await notify(ctx, { accountId, template: 'patient.consent_granted', data: bindingData(updated) }, tx);
    return updated;
  });
  return patientView(ctx, row);
}

function assertConsentPending(p: PatientRecord) {
  if (p.consentState !== 'pending') throw consentNotPending();
}

const consentNotPending = () =>
  conflict(
    'CONSENT_NOT_PENDING',
    '该就诊人无需授权或已授权',
    'This patient needs no consent or has already consented',
  );

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
  const updated = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(patients)
      .set({ [column]: number, updatedAt: ctx.clock.now() })
      .where(and(eq(patients.id, patientId), isNull(patients[column]), isNull(patients.deletedAt)))
      .returning();
    if (!row) {
      throw conflict(
        `${label.code}_ALREADY_BOUND`,
        `已绑定${label.zh}，请先解绑`,
        `A ${label.en} is already bound`,
      );
    }
    if (kind === 'visit') await recordVisitCardBound(ctx, tx, { patientId, visitCardNo: number });
    return row;
  });
  if (kind === 'visit') await afterVisitCardBound(ctx, { patientId, visitCardNo: number });
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
  await audit(ctx, req, {
    action: 'patients.read',
    objectType: 'patient',
    objectId: patientId,
    outcome: row ? 'success' : 'failed',
  });
  if (!row) throw patientNotFound();
  return { ...patientView(ctx, row), accountId: row.accountId, removed: row.deletedAt !== null };
}

// ---- helpers ----

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

/** IDN-10: an adult bound by someone else must consent; children (under 18) and oneself need not. */
function consentNeeded(relation: Relation, birthDate: string, today: string): boolean {
  return relation !== 'self' && ageOn(birthDate, today) >= 18;
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
    age: ageOn(r.birthDate, hospitalDay(ctx.clock.now(), ctx.config.HOSPITAL_TIMEZONE)),
    isDefault: r.isDefault,
    verified: r.verifiedAt !== null,
    consent: r.consentState,
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
