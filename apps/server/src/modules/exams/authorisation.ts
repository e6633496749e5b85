// Exams: authorisation of data exchange with the exam system (EXAM-01) and its records (EXAM-02).

import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { DomainError } from '../../platform/errors.js';
import { getPatientForRecords } from '../identity/index.js';
import { examAuthorisations } from './schema.js';
import { CONSENT_VERSION } from './shared.js';

export async function getAuthorisation(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const [a] = await ctx.db.select().from(examAuthorisations).where(eq(examAuthorisations.patientId, p.id));
  return authorisationView(p.id, a);
}

function authorisationView(patientId: string, a?: typeof examAuthorisations.$inferSelect) {
  const authorised = !!a && !a.revokedAt;
  return {
    patientId,
    authorised,
    grantedAt: authorised ? a.grantedAt.toISOString() : null,
    consentVersion: authorised ? a.consentVersion : null,
    currentConsentVersion: CONSENT_VERSION,
  };
}

/** The account grants (or withdraws) the exchange of one of its patients' data with the exam system. */
export async function setAuthorisation(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  accountId: string,
  input: { patientId: string; authorised: boolean },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  const now = ctx.clock.now();
  if (input.authorised) {
    await ctx.db
      .insert(examAuthorisations)
      .values({ patientId: p.id, accountId, consentVersion: CONSENT_VERSION, grantedAt: now })
      .onConflictDoUpdate({
        target: examAuthorisations.patientId,
        set: { accountId, consentVersion: CONSENT_VERSION, grantedAt: now, revokedAt: null },
      });
  } else {
    await ctx.db
      .update(examAuthorisations)
      .set({ revokedAt: now })
      .where(and(eq(examAuthorisations.patientId, p.id), isNull(examAuthorisations.revokedAt)));
  }
  await audit(ctx, req, {
    action: input.authorised ? 'exam.authorisation.grant' : 'exam.authorisation.revoke',
    objectType: 'patient',
    objectId: p.id,
    detail: { consentVersion: CONSENT_VERSION },
  });
  return getAuthorisation(ctx, accountId, p.id);
}

export async function assertAuthorised(ctx: AppContext, patientId: string): Promise<void> {
  const [a] = await ctx.db
    .select()
    .from(examAuthorisations)
    .where(and(eq(examAuthorisations.patientId, patientId), isNull(examAuthorisations.revokedAt)));
  if (!a)
    throw new DomainError(
      'EXAM_AUTHORISATION_REQUIRED',
      403,
      '请先授权与体检系统交换您的信息',
      'Authorise the exchange of this patient’s data with the exam system first',
    );
}

const examSystemUnavailable = () =>
  new DomainError(
    'EXAM_SYSTEM_UNAVAILABLE',
    502,
    '体检系统暂时无法访问，请稍后再试',
    'The exam system cannot be reached now; try again later',
  );

/** EXAM-02: what the exam system holds about one of my patients (only after the authorisation). */
export async function examRecords(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  await assertAuthorised(ctx, p.id);
  try {
    const items = await ctx.adapters.examSystem.listRecords({ idNumber: p.idNumber, name: p.name });
    return { patientId: p.id, items };
  } catch (err) {
    ctx.log.warn({ err, patientId: p.id }, 'exam system records look-up failed');
    throw examSystemUnavailable();
  }
}
