import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audit, auditPatientAccess } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { recordPatientAccess } from '../access-log/index.js';
import { DomainError } from '../../platform/errors.js';
import { InsuranceError } from '../../integrations/insurance/index.js';
import { SandboxPrescriptionCentre } from '../../integrations/insurance/prescriptions.js';
import type { Module } from '../index.js';
import { registerIntegrationApi } from '../gateway/index.js';
import { registerHisEventBuilder } from '../../integrations/his/outbound.js';
import { registerPrescriptionTemplates } from './templates.js';
import { registerDispensingReport } from './dispensing-report.js';
import {
  EXPIRE_JOB,
  POLL_JOB,
  UPLOAD_JOB,
  UPLOAD_SWEEP_JOB,
  buildPrescriptionEvent,
  expireDue,
  fillPrescription,
  getPrescription,
  hospitalDispensed,
  listPrescriptions,
  patientIdNumber,
  pharmaciesFor,
  pollDispensing,
  pollDue,
  prescriptionIdByCentreNo,
  pushPrescription,
  retryUpload,
  revokeFromHis,
  staffDetail,
  staffList,
  uploadDue,
  uploadPrescription,
  tellHisOfPrescriptions,
} from './service.js';
import {
  IntegrationV1PrescriptionsDispensedPostResponse,
  IntegrationV1PrescriptionsPostResponse,
  IntegrationV1PrescriptionsRevokePostResponse,
  PharmacyAdminPrescriptionsQuery,
  PharmacyIdParams,
  PharmacyIntegrationPrescriptionsDispensedPostBody,
  PharmacyIntegrationPrescriptionsRevokePostBody,
  PharmacyIntegrationPushBody,
  PharmacyPrescriptionsFillPostBody,
  PharmacyPrescriptionsQuery,
  PharmacyRxNoParams,
  PharmacySandboxPrescriptionsCentrePutBody,
  PharmacySandboxPrescriptionsDispensePostBody,
  PharmacySandboxPrescriptionsSpecialDiseaseFilingsPostBody,
  PrescriptionsFillPostResponse,
  PrescriptionsGetResponse,
  PrescriptionsListResponse,
  PrescriptionsPharmaciesListResponse,
  SandboxPrescriptionsCentrePutResponse,
  SandboxPrescriptionsDispensePostResponse,
  SandboxPrescriptionsSpecialDiseaseFilingsPostResponse,
  StaffPrescriptionsGetResponse,
  StaffPrescriptionsListResponse,
  StaffPrescriptionsRetryUploadPostResponse,
} from '@qingnang/contracts';

// PostgreSQL text cannot hold NUL: refuse it here as bad input rather than fail in the database.
export const pharmacyModule: Module = {
  name: 'pharmacy',
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['prescriptions'];
    const patient = requirePatient(ctx);
    const read = requireStaff(ctx, 'prescription.read');
    const manage = requireStaff(ctx, 'prescription.manage');

    registerPrescriptionTemplates();
    tellHisOfPrescriptions(ctx);
    registerHisEventBuilder('prescription.fill_at_hospital', buildPrescriptionEvent);
    registerHisEventBuilder('prescription.dispensed', buildPrescriptionEvent);

    ctx.jobs.register<{ prescriptionId: string }>(UPLOAD_JOB, async (d) =>
      uploadPrescription(ctx, d.prescriptionId),
    );
    ctx.jobs.register(UPLOAD_SWEEP_JOB, async () => void (await uploadDue(ctx)), { cron: '* * * * *' });
    // Dispensing at a retail pharmacy is learned by polling the centre: dispatched prescriptions are
    // asked every few minutes (and at once when the sandbox centre calls back).
    ctx.jobs.register<{ prescriptionId?: string }>(
      POLL_JOB,
      async (d) => {
        if (d?.prescriptionId) await pollDispensing(ctx, d.prescriptionId);
        else await pollDue(ctx);
      },
      { cron: '* * * * *' },
    );
    ctx.jobs.register(EXPIRE_JOB, async () => void (await expireDue(ctx)), { cron: '*/5 * * * *' });
    registerDispensingReport(ctx);

    // ------------------------------------------------------------ HIS pushes (signed)
    await app.register(async (child) =>
      registerIntegrationApi(child, ctx, (scope, c, channelOf) => {
        const r = scope.withTypeProvider<ZodTypeProvider>();
        const itags = ['integration'];
        r.post(
          '/integration/v1/prescriptions',
          {
            config: { integrationOperation: 'his.prescriptions.push' },
            schema: {
              tags: itags,
              summary: 'HIS 推送医生签名的医保电子处方（签名调用），按处方号幂等；平台上传医保电子处方中心',
              body: PharmacyIntegrationPushBody,
              response: {
                200: IntegrationV1PrescriptionsPostResponse,
                201: IntegrationV1PrescriptionsPostResponse,
              },
            },
          },
          async (req, reply) => {
            const out = await pushPrescription(c, channelOf(req), req.body);
            return reply.status(out.created ? 201 : 200).send(out.body);
          },
        );
        r.post(
          '/integration/v1/prescriptions/:hisRxNo/revoke',
          {
            config: { integrationOperation: 'his.prescriptions.push' },
            schema: {
              tags: itags,
              summary: '医生在 HIS 撤销医保电子处方（签名调用）；已取药的不能撤销',
              params: PharmacyRxNoParams,
              body: PharmacyIntegrationPrescriptionsRevokePostBody,
              response: { 200: IntegrationV1PrescriptionsRevokePostResponse },
            },
          },
          async (req) => revokeFromHis(c, channelOf(req), req.params.hisRxNo, req.body.reason),
        );
        r.post(
          '/integration/v1/prescriptions/:hisRxNo/dispensed',
          {
            config: { integrationOperation: 'his.prescriptions.push' },
            schema: {
              tags: itags,
              summary: '医院药房已发药（患者选择院内取药的处方），可附医保结算分项（签名调用）',
              params: PharmacyRxNoParams,
              body: PharmacyIntegrationPrescriptionsDispensedPostBody,
              response: { 200: IntegrationV1PrescriptionsDispensedPostResponse },
            },
          },
          async (req) =>
            hospitalDispensed(c, channelOf(req), req.params.hisRxNo, req.body?.settlement ?? undefined),
        );
      }),
    );

    // ------------------------------------------------------------ patients
    app.get(
      '/v1/prescriptions',
      {
        schema: {
          tags,
          summary: '就诊人的医保电子处方（本人及已授权的家人），新开在前',
          querystring: PharmacyPrescriptionsQuery,
          response: { 200: PrescriptionsListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const items = await listPrescriptions(ctx, principalOf(req).id, req.query.patientId, req.query.state);
        if (items.length)
          await recordPatientAccess(ctx, req, {
            patient: req.query.patientId,
            recordKind: 'prescription',
            objectType: 'prescription',
          });
        return { items };
      },
    );
    app.get(
      '/v1/prescriptions/:id',
      {
        schema: {
          tags,
          summary: '医保电子处方详情',
          params: PharmacyIdParams,
          response: { 200: PrescriptionsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const rx = await getPrescription(ctx, principalOf(req).id, req.params.id);
        await recordPatientAccess(ctx, req, {
          patient: rx.patientId,
          recordKind: 'prescription',
          objectType: 'prescription',
          objectId: rx.id,
        });
        return rx;
      },
    );
    app.get(
      '/v1/prescriptions/:id/pharmacies',
      {
        schema: {
          tags,
          summary: '可为该处方配药的定点零售药店（双通道药品仅双通道药店，门诊特殊病仅门特定点药店）',
          params: PharmacyIdParams,
          response: { 200: PrescriptionsPharmaciesListResponse },
        },
        preHandler: patient,
      },
      async (req) => pharmaciesFor(ctx, principalOf(req).id, req.params.id),
    );
    app.post(
      '/v1/prescriptions/:id/fill',
      {
        schema: {
          tags,
          summary: '选择取药方式：医院药房，或定点零售药店（发放取药码；可更换药店）',
          params: PharmacyIdParams,
          body: PharmacyPrescriptionsFillPostBody,
          response: { 200: PrescriptionsFillPostResponse },
        },
        preHandler: patient,
      },
      async (req) => fillPrescription(ctx, principalOf(req).id, req.params.id, req.body),
    );

    // ------------------------------------------------------------ staff (console)
    const stags = ['prescriptions (console)'];
    app.get(
      '/v1/staff/prescriptions',
      {
        schema: {
          tags: stags,
          summary: '医保电子处方查询：状态、类型、双通道、开方时间、处方号/医保处方编号/就诊号（精确）',
          querystring: PharmacyAdminPrescriptionsQuery,
          response: { 200: StaffPrescriptionsListResponse },
        },
        preHandler: read,
      },
      async (req) => {
        const q = req.query;
        const out = await staffList(ctx, {
          ...q,
          dualChannel: q.dualChannel === undefined ? undefined : q.dualChannel === 'true',
        });
        await audit(ctx, req, {
          action: 'prescriptions.list',
          objectType: 'prescription',
          detail: { state: q.state ?? null, q: q.q ?? null, count: out.items.length },
        });
        return out;
      },
    );
    app.get(
      '/v1/staff/prescriptions/:id',
      {
        schema: {
          tags: stags,
          summary: '医保电子处方详情：上传记录与处理经过',
          params: PharmacyIdParams,
          response: { 200: StaffPrescriptionsGetResponse },
        },
        preHandler: read,
      },
      async (req) => {
        const out = await staffDetail(ctx, req.params.id);
        await auditPatientAccess(ctx, req, {
          action: 'prescriptions.read',
          objectType: 'prescription',
          objectId: out.id,
          recordKind: 'prescription',
          ground: 'treatment',
          subjects: { patientId: out.patientId },
        });
        return out;
      },
    );
    app.post(
      '/v1/staff/prescriptions/:id/retry-upload',
      {
        schema: {
          tags: stags,
          summary: '重新上传医保电子处方中心（仅上传失败的处方）',
          params: PharmacyIdParams,
          response: { 200: StaffPrescriptionsRetryUploadPostResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        await retryUpload(ctx, principalOf(req).id, req.params.id);
        await audit(ctx, req, {
          action: 'prescriptions.retry-upload',
          objectType: 'prescription',
          objectId: req.params.id,
        });
        return staffDetail(ctx, req.params.id);
      },
    );

    // ------------------------------------------------------------ sandbox centre controls
    const centre = ctx.adapters.prescriptionCentre;
    if (centre instanceof SandboxPrescriptionCentre) registerSandboxControls(app, ctx, centre, manage);
  },
};

/** Tests and the demo drive the sandbox centre: a retail pharmacy dispenses, the centre fails or refuses. */
function registerSandboxControls(
  app: ReturnType<FastifyInstance['withTypeProvider']>,
  ctx: AppContext,
  centre: SandboxPrescriptionCentre,
  manage: ReturnType<typeof requireStaff>,
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['prescriptions (sandbox)'];
  r.post(
    '/v1/sandbox/prescriptions/dispense',
    {
      schema: {
        tags,
        summary: '沙箱：定点零售药店凭处方发药并完成医保结算（随后平台查询到已取药）',
        body: PharmacySandboxPrescriptionsDispensePostBody,
        response: { 200: SandboxPrescriptionsDispensePostResponse },
      },
      preHandler: manage,
    },
    async (req) => {
      let d;
      try {
        d = await centre.dispense(ctx, req.body.hiRxNo, req.body.pharmacyCode);
      } catch (err) {
        if (err instanceof InsuranceError && err.code === 'RX_NOT_FOUND')
          throw new DomainError('PRESCRIPTION_NOT_FOUND', 404, '处方不存在', 'Prescription not found');
        if (err instanceof InsuranceError)
          throw new DomainError('PRESCRIPTION_STATE', 409, '处方在医保中心的状态不允许发药', err.message);
        throw err;
      }
      // Like the centre's callback: the platform checks this prescription at once.
      const prescriptionId = await prescriptionIdByCentreNo(ctx, req.body.hiRxNo);
      if (prescriptionId)
        await ctx.jobs
          .send(POLL_JOB, { prescriptionId }, { singletonKey: `poll:${prescriptionId}` })
          .catch((err) => ctx.log.warn({ err }, 'dispensing check not queued; the minute poll will find it'));
      return { hiRxNo: req.body.hiRxNo, ...d, at: d.at.toISOString() };
    },
  );
  r.put(
    '/v1/sandbox/prescriptions/centre',
    {
      schema: {
        tags,
        summary: '沙箱：让医保电子处方中心不可用，或拒绝下一张上传的处方（附原因）',
        body: PharmacySandboxPrescriptionsCentrePutBody,
        response: { 200: SandboxPrescriptionsCentrePutResponse },
      },
      preHandler: manage,
    },
    async (req) => {
      if (req.body.failing !== undefined) centre.failing = req.body.failing;
      if (req.body.rejectNext !== undefined) centre.rejectNext = req.body.rejectNext ?? null;
      return { failing: centre.failing, rejectNext: centre.rejectNext };
    },
  );
  r.post(
    '/v1/sandbox/prescriptions/special-disease-filings',
    {
      schema: {
        tags,
        summary: '沙箱：为就诊人办理门诊特殊病备案（门慢门特备案）',
        body: PharmacySandboxPrescriptionsSpecialDiseaseFilingsPostBody,
        response: { 200: SandboxPrescriptionsSpecialDiseaseFilingsPostResponse },
      },
      preHandler: manage,
    },
    async (req) => {
      const idNumber = await patientIdNumber(ctx, req.body.patientId);
      await centre.fileSpecialDisease(ctx, idNumber, req.body.diseaseCode, req.body.diseaseName);
      await audit(ctx, req, {
        action: 'prescriptions.sandbox.special-disease-filing',
        objectType: 'patient',
        objectId: req.body.patientId,
        detail: { diseaseCode: req.body.diseaseCode },
      });
      return { patientId: req.body.patientId, diseaseCode: req.body.diseaseCode, filed: true };
    },
  );
}
