import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audit, auditPatientAccess } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { recordPatientAccess } from '../access-log/index.js';
import { executeAtDepartment, getVisit, issueGuideCode, listVisits, scanForExecution } from './guide.js';
import {
  PatientsGuideCodePostResponse,
  StaffExecutionBillsExecutePostResponse,
  StaffExecutionScanPostResponse,
  VisitsGetResponse,
  VisitsListResponse,
} from '@qingnang/contracts';

const id = z.string().min(1).max(64);
const department = z.string().trim().min(1).max(50);

/** Visit guidance for patients (GUIDE-08/09/14) and the executing department's PDA (GUIDE-15). */
export async function registerGuideRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const patient = requirePatient(ctx);
  const tags = ['billing'];

  app.get(
    '/v1/visits',
    {
      schema: {
        tags,
        summary: '就诊人的门诊就诊记录：每次就诊的费用与下一步去向',
        querystring: z.object({ patientId: id }).strict(),
        response: { 200: VisitsListResponse },
      },
      preHandler: patient,
    },
    async (req) => {
      const items = await listVisits(ctx, principalOf(req).id, req.query.patientId);
      if (items.length)
        await recordPatientAccess(ctx, req, {
          patient: req.query.patientId,
          recordKind: 'visit',
          objectType: 'visit',
        });
      return { items };
    },
  );
  app.get(
    '/v1/visits/:id',
    {
      schema: {
        tags,
        summary: '就诊详情：单据、执行状态与下一步去哪里',
        params: z.object({ id }),
        response: { 200: VisitsGetResponse },
      },
      preHandler: patient,
    },
    async (req) => {
      const visit = await getVisit(ctx, principalOf(req).id, req.params.id);
      await recordPatientAccess(ctx, req, {
        patient: visit.patientId,
        recordKind: 'visit',
        objectType: 'visit',
        objectId: visit.id,
      });
      return visit;
    },
  );
  app.post(
    '/v1/patients/:id/guide-code',
    {
      schema: {
        tags,
        summary: '电子指引单：生成就诊人条码（签名、10 分钟有效，执行科室扫码识别）',
        params: z.object({ id }),
        response: { 200: PatientsGuideCodePostResponse },
      },
      preHandler: patient,
    },
    async (req) => issueGuideCode(ctx, principalOf(req).id, req.params.id),
  );

  const ptags = ['execution (PDA)'];
  app.post(
    '/v1/staff/execution/scan',
    {
      schema: {
        tags: ptags,
        summary: '执行科室扫患者条码：本科室的项目及缴费状态',
        body: z.object({ code: z.string().trim().min(1).max(200), department }).strict(),
        response: { 200: StaffExecutionScanPostResponse },
      },
      preHandler: requireStaff(ctx, 'execution.record'),
    },
    async (req) => {
      const result = await scanForExecution(ctx, req.body);
      await auditPatientAccess(ctx, req, {
        action: 'execution.patient.scan',
        objectType: 'patient',
        objectId: result.patient.id,
        recordKind: 'bill',
        ground: 'treatment',
        subjects: { patientId: result.patient.id },
        detail: { department: req.body.department, bills: result.bills.length },
      });
      return result;
    },
  );
  app.post(
    '/v1/staff/execution/bills/:id/execute',
    {
      schema: {
        tags: ptags,
        summary: '执行登记：已缴费的项目登记为已执行（此后只能窗口退费），未缴费的拒绝',
        params: z.object({ id }),
        body: z.object({ department }).strict(),
        response: { 200: StaffExecutionBillsExecutePostResponse },
      },
      preHandler: requireStaff(ctx, 'execution.record'),
    },
    async (req) => {
      const result = await executeAtDepartment(ctx, principalOf(req).id, {
        billId: req.params.id,
        department: req.body.department,
      });
      await audit(ctx, req, {
        action: 'execution.bill.execute',
        objectType: 'bill',
        objectId: result.id,
        detail: { department: req.body.department, alreadyExecuted: result.alreadyExecuted },
      });
      return result;
    },
  );
}
