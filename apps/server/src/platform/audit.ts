import { eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AccessGround, PatientRecordKind } from '@qingnang/contracts';
import type { AppContext } from './context.js';
import { auditLog, auditPatientAccess as auditPatientAccessTable, staffUsers } from './schema.js';

export interface AuditEntry {
  action: string;
  objectType?: string;
  objectId?: string;
  outcome?: 'success' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
}

/**
 * Appends one audit row: who (from the request's principal), what, on which object, outcome,
 * network address and time. Never pass personal data in `detail`: ids only. A read of a patient's
 * records is not an `audit` call but an `auditPatientAccess` one, which needs the ground.
 */
export async function audit(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  entry: AuditEntry,
): Promise<void> {
  await ctx.db.insert(auditLog).values(auditRow(ctx, req, entry));
}

/**
 * The kinds of record a patient's access log names (H5: 报告, 账单, 处方 ...) and why a person's
 * records were read (PIPL Art. 13 and 28: processing health data needs a ground): consent (another
 * account the person authorised), guardian (the account of a minor's guardian, PIPL Art. 31),
 * treatment (clinical staff caring for them), finance (payment, refund, invoice, insurance
 * settlement), service (the hospital's patient service answering or acting for them). Both lists
 * and their words are shared with the H5 through the contracts.
 */
export type { AccessGround, PatientRecordKind } from '@qingnang/contracts';

/**
 * Whose records: the platform patient the record names and/or the blind index of the person's ID
 * number (records the hospital keys by person, such as reports and bills). One of them is required.
 */
export type PatientAccessSubject = (
  { patientId: string; personIdx?: string | null } | { patientId?: string | null; personIdx: string }
) & { objectId?: string };

/** The subject of a record naming a patient and/or a person; none when it names neither (walk-in). */
export function subjectOf(record: {
  patientId?: string | null;
  personIdx?: string | null;
}): PatientAccessSubject[] {
  const { patientId, personIdx } = record;
  if (patientId) return [{ patientId, personIdx }];
  if (personIdx) return [{ personIdx }];
  return [];
}

/** A read of patient data by staff or by another account: ground, kind and subject are required. */
export interface PatientAccessEntry {
  action: string;
  objectType: string;
  objectId?: string;
  recordKind: PatientRecordKind;
  ground: AccessGround;
  /** the person read, or every person a list read showed (possibly none) */
  subjects: PatientAccessSubject | readonly PatientAccessSubject[];
  /** patient actors: how the reading account holds the person (spouse, parent ...) */
  relation?: string;
  outcome?: 'success' | 'failed';
  detail?: Record<string, unknown>;
}

/**
 * Records a read of patient data, for the staff audit and for the patient's own access log (PIPL
 * Art. 45): one audit row plus one access row per person shown, with the reader's roles and
 * department as they are now, in one transaction. `by` is the request (its principal reads), or
 * the reading account where a service has no request at hand; a read on nobody's behalf is not a
 * patient access.
 */
export async function auditPatientAccess(
  ctx: AppContext,
  by: FastifyRequest | { accountId: string },
  entry: PatientAccessEntry,
): Promise<void> {
  const req = 'accountId' in by ? undefined : by;
  const p = req
    ? req.principal
    : { kind: 'patient' as const, id: (by as { accountId: string }).accountId, roles: [] };
  if (!p) throw new Error(`patient access ${entry.action} without a principal`);
  const subjects = uniqueSubjects(Array.isArray(entry.subjects) ? entry.subjects : [entry.subjects]);
  let departmentId: string | null = null;
  if (p.kind === 'staff') {
    const [staff] = await ctx.db
      .select({ departmentId: staffUsers.departmentId })
      .from(staffUsers)
      .where(eq(staffUsers.id, p.id));
    departmentId = staff?.departmentId ?? null;
  }
  const at = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(auditLog)
      .values({
        ...auditRow(ctx, req, entry),
        actorKind: p.kind,
        actorId: p.id,
        at,
        detail: { ...entry.detail, recordKind: entry.recordKind, ground: entry.ground },
      })
      .returning({ id: auditLog.id });
    if (!subjects.length) return;
    await tx.insert(auditPatientAccessTable).values(
      subjects.map((s) => ({
        auditId: row.id,
        at,
        subjectPatientId: s.patientId ?? null,
        subjectPersonIdx: s.personIdx ?? null,
        recordKind: entry.recordKind,
        ground: entry.ground,
        actorKind: p.kind,
        actorId: p.id,
        actorRoles: p.kind === 'staff' ? [...p.roles].sort() : [],
        actorDepartmentId: departmentId,
        actorRelation: entry.relation ?? null,
        objectType: entry.objectType,
        objectId: s.objectId ?? entry.objectId ?? null,
      })),
    );
  });
}

function auditRow(ctx: AppContext, req: FastifyRequest | undefined, entry: AuditEntry) {
  const p = req?.principal;
  return {
    at: ctx.clock.now(),
    actorKind: p?.kind ?? 'system',
    actorId: p?.id ?? null,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    outcome: entry.outcome ?? 'success',
    ip: req?.ip ?? null,
    requestId: req?.id ?? null,
    detail: entry.detail ?? null,
  };
}

function uniqueSubjects(list: readonly PatientAccessSubject[]): PatientAccessSubject[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    if (!s.patientId && !s.personIdx) return false;
    const key = `${s.patientId ?? ''}|${s.personIdx ?? ''}|${s.objectId ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const CLINICAL_ROLES = new Set(['doctor', 'nurse', 'pharmacist', 'medic']);

/**
 * The ground of a read that clinical and service staff both make (a report, a health record):
 * treatment when the reader holds a clinical role, otherwise the hospital's patient service.
 */
export function clinicalOrServiceGround(req: FastifyRequest): 'treatment' | 'service' {
  return req.principal?.roles.some((r) => CLINICAL_ROLES.has(r)) ? 'treatment' : 'service';
}
