import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import { auditPatientAccess } from '../../platform/audit.js';
import { conflict, DomainError } from '../../platform/errors.js';
import type { HisPatientInfo } from '../../integrations/his/index.js';
import { blindIndexOf, getPatientForRecords, type PatientRecord } from './service.js';
import { visitCardUnknownToHis } from './visit-card-bound.js';
import { HisPatientFileSchema, type HisPatientFile } from '@qingnang/contracts';

/**
 * IDN-07: the hospital-side (HIS) patient file behind a patient's bound visit card, asked of the HIS
 * at each view (the HIS is the file's owner; nothing is copied to the platform). It is a medical
 * record, so an adult family member's file needs their consent (IDN-10), and every refusal of a
 * foreign or hidden patient reads like "not found".
 */
export async function getHisPatientFile(
  ctx: AppContext,
  accountId: string,
  patientId: string,
): Promise<HisPatientFile> {
  const patient = await getPatientForRecords(ctx, accountId, patientId);
  if (!patient.visitCardNo) {
    throw conflict('VISIT_CARD_NOT_BOUND', '请先绑定或办理就诊卡', 'Bind or create a visit card first');
  }
  let info: HisPatientInfo | null;
  try {
    info = await ctx.adapters.his.patientInfo(ctx, patient.visitCardNo);
  } catch (err) {
    // only the code: the HIS's answer may carry the patient's numbers
    const code = (err as { code?: unknown }).code;
    ctx.log.warn({ patientId, code: typeof code === 'string' ? code : 'ERROR' }, 'HIS patient query failed');
    throw new DomainError(
      'HIS_UNAVAILABLE',
      502,
      '医院系统暂时无法查询就诊人档案，请稍后再试',
      'The hospital system cannot look up the patient file now; try again later',
    );
  }
  if (!info) {
    // A card bound a moment ago may not have reached the HIS yet (visit_card.bound is on its way);
    // one bound before bindings were sent, or one the HIS lost, is sent (again) now.
    await visitCardUnknownToHis(ctx, { patientId: patient.id, visitCardNo: patient.visitCardNo }).catch(
      (err) => ctx.log.error({ err, patientId }, 'visit card not sent to the HIS again'),
    );
    throw conflict(
      'HIS_PATIENT_NOT_FOUND',
      '医院系统中暂未找到该就诊卡的档案，请稍后再试或到窗口建档',
      'The hospital system has no file for this card yet; try again later or at a counter',
    );
  }
  return { patientId: patient.id, ...info };
}

/** Registered from identity's routes. */
export function registerHisProfileRoutes(scope: FastifyInstance, ctx: AppContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/patients/:id/his-profile',
    {
      schema: {
        tags: ['identity: patients'],
        security: [{ bearer: [] }],
        summary: 'Hospital-side (HIS) patient file of the bound visit card (IDN-07)',
        params: z.object({ id: z.string().uuid() }),
        response: { 200: HisPatientFileSchema },
      },
      preHandler: requirePatient(ctx),
    },
    async (req) => {
      const file = await getHisPatientFile(ctx, principalOf(req).id, req.params.id);
      await recordFamilyRead(ctx, req, await getPatientForRecords(ctx, principalOf(req).id, req.params.id));
      return file;
    },
  );
}

/**
 * A family member's HIS file read by the account holding them is in that person's access log; the
 * holder's own file is not. The rule of access-log's recordPatientAccess, written out here because
 * the access log depends on identity, not the reverse.
 */
async function recordFamilyRead(ctx: AppContext, req: FastifyRequest, patient: PatientRecord): Promise<void> {
  if (patient.relation === 'self') return;
  await auditPatientAccess(ctx, req, {
    action: 'his_profile.read_by_account',
    objectType: 'his_profile',
    objectId: patient.id,
    recordKind: 'his_profile',
    ground: patient.consentState === 'granted' ? 'consent' : 'guardian',
    relation: patient.relation,
    subjects: { patientId: patient.id, personIdx: blindIndexOf(ctx, patient.idNumber) },
  });
}
