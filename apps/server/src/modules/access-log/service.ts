import { and, count, desc, eq, inArray, ne, or, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { auditPatientAccess, type AccessGround, type PatientRecordKind } from '../../platform/audit.js';
import { maskPhone } from '../../platform/pii.js';
import { auditPatientAccess as accessRows, roles } from '../../platform/schema.js';
import { directoryNames } from '../directory/index.js';
import {
  accountContacts,
  blindIndexOf,
  findPatientsByPerson,
  getPatientForRecords,
  RELATION_LABELS,
  type PatientRecord,
} from '../identity/index.js';
import type { Relation } from '../identity/index.js';

/** One read of a person's records, as the person (or the account holding them) sees it. */
export interface AccessLogEntry {
  /** the reference the patient quotes to the hospital's privacy office to learn more */
  id: string;
  at: string;
  recordKind: PatientRecordKind;
  ground: AccessGround;
  objectType: string;
  objectId: string | null;
  actor: StaffActorView | AccountActorView;
}

/**
 * Policy: staff appear by role and department only, never by name. The hospital, not the employee,
 * is the processor answerable to the patient (PIPL Art. 45/50); naming staff to every account would
 * expose them to harassment, and the entry id lets the patient's question reach the privacy office,
 * which sees the name in the staff audit log.
 */
export interface StaffActorView {
  kind: 'staff';
  roles: { code: string; zh: string; en: string }[];
  department: string | null;
}

/** Another account holding the person: who its holder is to the person (their spouse, parent ...) and its masked phone. */
export interface AccountActorView {
  kind: 'account';
  relation: Relation | null;
  relationZh: string | null;
  relationEn: string | null;
  phoneMasked: string | null;
}

/**
 * Records a read of a family member's records by the account holding them (PIPL Art. 45): the person
 * sees that this account looked, on the ground of their consent (or guardianship for a minor). An
 * account reading its holder's own records ("self") is not another account and is not recorded.
 * A route that holds only the patient's id passes the id: the account's patient is looked up (after
 * the read itself passed the same access decision, so a refusal here means nothing was shown).
 */
export async function recordPatientAccess(
  ctx: AppContext,
  by: FastifyRequest | { accountId: string },
  access: {
    patient: PatientRecord | string;
    recordKind: PatientRecordKind;
    objectType: string;
    objectId?: string;
    action?: string;
  },
): Promise<void> {
  const patient =
    typeof access.patient === 'string'
      ? await getPatientForRecords(ctx, readerOf(by), access.patient).catch(() => undefined)
      : access.patient;
  if (!patient || patient.relation === 'self') return;
  await auditPatientAccess(ctx, by, {
    action: access.action ?? `${access.recordKind}.read_by_account`,
    objectType: access.objectType,
    objectId: access.objectId,
    recordKind: access.recordKind,
    ground: patient.consentState === 'granted' ? 'consent' : 'guardian',
    relation: patient.relation,
    subjects: {
      patientId: patient.id,
      personIdx: blindIndexOf(ctx, patient.idNumber),
      objectId: access.objectId,
    },
  });
}

function readerOf(by: FastifyRequest | { accountId: string }): string {
  if ('accountId' in by) return by.accountId;
  if (by.principal?.kind !== 'patient') throw new Error('an account read without a patient principal');
  return by.principal.id;
}

/**
 * The reads of one family member's records, newest first: every access row naming this patient,
 * another platform patient of the same person, or the person's blind index, except the account's
 * own reads. Only the account holding the patient with records access may ask (others: 404).
 */
export async function listAccessLog(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  page: { page: number; pageSize: number },
): Promise<{ items: AccessLogEntry[]; total: number; page: number; pageSize: number }> {
  const patient = await getPatientForRecords(ctx, accountId, patientId);
  const personIdx = blindIndexOf(ctx, patient.idNumber);
  const samePerson = (await findPatientsByPerson(ctx, { idNumberIdx: personIdx })).map((p) => p.id);
  const where = and(
    or(
      inArray(accessRows.subjectPatientId, [...new Set([patient.id, ...samePerson])]),
      eq(accessRows.subjectPersonIdx, personIdx),
    ),
    or(ne(accessRows.actorKind, 'patient'), ne(accessRows.actorId, accountId)),
  ) as SQL;
  const [{ total }] = await ctx.db.select({ total: count() }).from(accessRows).where(where);
  const rows = await ctx.db
    .select()
    .from(accessRows)
    .where(where)
    .orderBy(desc(accessRows.at), desc(accessRows.id))
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize);
  const roleNames = await roleNamesOf(
    ctx,
    rows.flatMap((r) => r.actorRoles),
  );
  const { departments: departmentNames } = await directoryNames(ctx, {
    doctorIds: [],
    departmentIds: rows.map((r) => r.actorDepartmentId).filter((d): d is string => !!d),
  });
  const phones = new Map<string, string | null>();
  for (const r of rows)
    if (r.actorKind === 'patient' && !phones.has(r.actorId)) {
      const { phone } = await accountContacts(ctx, r.actorId);
      phones.set(r.actorId, phone ? maskPhone(phone) : null);
    }
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      recordKind: r.recordKind as PatientRecordKind,
      ground: r.ground as AccessGround,
      objectType: r.objectType,
      objectId: r.objectId,
      actor:
        r.actorKind === 'staff'
          ? {
              kind: 'staff',
              roles: r.actorRoles.map((code) => roleNames.get(code) ?? { code, zh: code, en: code }),
              department: r.actorDepartmentId ? (departmentNames.get(r.actorDepartmentId) ?? null) : null,
            }
          : accountActor(r.actorRelation as Relation | null, phones.get(r.actorId) ?? null),
    })),
    total,
    page: page.page,
    pageSize: page.pageSize,
  };
}

// The reading account holds the person as its `parent`: to the person, that reader is their child.
const READER_TO_PERSON: Record<Relation, Relation> = {
  self: 'self',
  spouse: 'spouse',
  parent: 'child',
  child: 'parent',
  other: 'other',
};

function accountActor(heldAs: Relation | null, phoneMasked: string | null): AccountActorView {
  const relation = heldAs ? READER_TO_PERSON[heldAs] : null;
  const label = relation ? RELATION_LABELS[relation] : undefined;
  return {
    kind: 'account',
    relation,
    relationZh: label?.zh ?? null,
    relationEn: label?.en ?? null,
    phoneMasked,
  };
}

async function roleNamesOf(ctx: AppContext, codes: string[]) {
  const unique = [...new Set(codes)];
  if (!unique.length) return new Map<string, { code: string; zh: string; en: string }>();
  const rows = await ctx.db.select().from(roles).where(inArray(roles.code, unique));
  return new Map(rows.map((r) => [r.code, { code: r.code, zh: r.nameZh, en: r.nameEn }]));
}
