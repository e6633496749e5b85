import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { auditPatientAccess, clinicalOrServiceGround, subjectOf } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { DomainError } from '../../platform/errors.js';
import { maskName } from '../../platform/pii.js';
import { registerHealthProfileRoutes } from './health-profile.js';
import { registerIntegrationApi } from '../gateway/index.js';
import type { Channel } from '../gateway/index.js';
import type { Module } from '../index.js';
import { recordPatientAccess } from '../access-log/index.js';
import { provideVisitReports } from '../billing/index.js';
import { reportCountsByDay, reportsOfVisit } from './visits.js';
import type { ReportKind } from './schema.js';
import {
  adminListReports,
  getImagingAuthorisation,
  getReportById,
  imagingAuthorised,
  setImagingAuthorisation,
  getReportForAccount,
  healthRecord,
  imagingLink,
  indicatorTrend,
  listIndicators,
  listReports,
  pushReport,
  createIndicator,
  updateIndicator,
  reportDetail,
  requestExamAccess,
  verifyExamAccess,
  type Indicator,
  type Report,
} from './service.js';
import {
  AdminIndicatorsListResponse,
  AdminIndicatorsPostResponse,
  AdminIndicatorsPutResponse,
  AdminReportsGetResponse,
  AdminReportsListResponse,
  HealthRecordListResponse,
  HealthRecordTrendListResponse,
  IntegrationReportPushResponse,
  ReportsAdminIndicatorBody,
  ReportsAdminIndicatorsPostBody,
  ReportsAdminIndicatorsPutParams,
  ReportsAdminIndicatorsQuery,
  ReportsAdminReportsParams,
  ReportsAdminReportsQuery,
  ReportsExamAccessPostBody,
  ReportsExamAccessPostResponse,
  ReportsExamAccessVerifyPostBody,
  ReportsExamAccessVerifyPostResponse,
  ReportsGetResponse,
  ReportsHealthRecordQuery,
  ReportsHealthRecordTrendQuery,
  ReportsImagingAuthorisationListResponse,
  ReportsImagingAuthorisationPutBody,
  ReportsImagingAuthorisationPutResponse,
  ReportsImagingAuthorisationQuery,
  ReportsImagingLinkListResponse,
  ReportsImagingLinkParams,
  ReportsIntegrationPushBody,
  ReportsListResponse,
  ReportsParams,
  ReportsQuery,
} from '@qingnang/contracts';

const tags = ['reports'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function reportSummary(r: Report) {
  return {
    id: r.id,
    reportNo: r.reportNo,
    kind: r.kind,
    title: r.title,
    department: r.department,
    setting: r.setting,
    status: r.status,
    orderedAt: iso(r.orderedAt),
    reportedAt: iso(r.reportedAt),
    hasImages: !!r.imageStudyUid,
    patientNameMasked: maskName(r.patientName),
  };
}

function detailView(d: Awaited<ReturnType<typeof reportDetail>>) {
  return {
    ...reportSummary(d.report),
    conclusion: d.report.conclusion,
    sections: d.sections.map((x) => ({ name: x.name, conclusion: x.conclusion })),
    observations: d.observations.map((o) => ({
      section: o.section,
      code: o.code,
      name: o.name,
      value: o.valueNum ?? o.valueText,
      unit: o.unit,
      refLow: o.refLow,
      refHigh: o.refHigh,
      refText: o.refText,
      flag: o.flag,
      interpretation: o.interpretation,
    })),
  };
}

function indicatorView(i: Indicator) {
  return {
    code: i.code,
    name: i.name,
    aliases: i.aliases,
    category: i.category,
    unit: i.unit,
    meaning: i.meaning,
    highMeaning: i.highMeaning,
    lowMeaning: i.lowMeaning,
    advice: i.advice,
    updatedAt: i.updatedAt.toISOString(),
  };
}

export const reportsModule: Module = {
  name: 'reports',
  async register(scope: FastifyInstance, ctx: AppContext) {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const patient = requirePatient(ctx);
    // The visit guide (billing) lists a visit's reports through this port.
    provideVisitReports({ countsByDay: reportCountsByDay, ofVisit: reportsOfVisit });

    // ---- inbound pushes from the LIS and PACS (signed integration API) ----
    await scope.register(async (child) =>
      registerIntegrationApi(child, ctx, (s, c, channelOf) => registerPushRoutes(s, c, channelOf)),
    );

    // ---- patient ----
    app.get(
      '/v1/reports',
      {
        preHandler: patient,
        schema: {
          tags,
          summary: '报告列表（检验/检查/病理/体检，含状态）',
          querystring: ReportsQuery,
          response: { 200: ReportsListResponse },
        },
      },
      async (req) => {
        const items = await listReports(
          ctx,
          principalOf(req).id,
          req.query.patientId,
          req.query.kind as ReportKind | undefined,
        );
        return { items: items.map(reportSummary) };
      },
    );

    app.get(
      '/v1/reports/:id',
      {
        preHandler: patient,
        schema: {
          tags,
          summary: '报告详情：指标、参考范围、高低标记与解读',
          params: ReportsParams,
          response: { 200: ReportsGetResponse },
        },
      },
      async (req) => {
        const { report, patient } = await getReportForAccount(ctx, principalOf(req).id, req.params.id);
        await recordPatientAccess(ctx, req, {
          patient,
          recordKind: 'report',
          objectType: 'report',
          objectId: report.id,
        });
        return detailView(await reportDetail(ctx, report));
      },
    );

    app.get(
      '/v1/reports/:id/imaging-link',
      {
        preHandler: patient,
        schema: {
          tags,
          summary: '云影像链接（参数加密，限时有效）',
          params: ReportsImagingLinkParams,
          response: { 200: ReportsImagingLinkListResponse },
        },
      },
      async (req) => {
        const { report, patient: p } = await getReportForAccount(ctx, principalOf(req).id, req.params.id);
        if (report.imageStudyUid && !(await imagingAuthorised(ctx, p.id))) {
          throw new DomainError(
            'IMAGING_AUTHORISATION_REQUIRED',
            403,
            '请先授权服务号获取您的云影像信息',
            'Authorise cloud-imaging access for this patient first',
          );
        }
        const link = imagingLink(ctx, report);
        return { url: link.url, expiresAt: link.expiresAt.toISOString() };
      },
    );

    const authView = (a: { patientId: string; authorised: boolean; grantedAt: Date | null }) => ({
      patientId: a.patientId,
      authorised: a.authorised,
      grantedAt: iso(a.grantedAt),
    });
    app.get(
      '/v1/reports/imaging-authorisation',
      {
        preHandler: patient,
        schema: {
          tags,
          summary: '云影像授权状态',
          querystring: ReportsImagingAuthorisationQuery,
          response: { 200: ReportsImagingAuthorisationListResponse },
        },
      },
      async (req) => authView(await getImagingAuthorisation(ctx, principalOf(req).id, req.query.patientId)),
    );
    app.put(
      '/v1/reports/imaging-authorisation',
      {
        preHandler: patient,
        schema: {
          tags,
          summary: '授权或撤销服务号获取云影像信息',
          body: ReportsImagingAuthorisationPutBody,
          response: { 200: ReportsImagingAuthorisationPutResponse },
        },
      },
      async (req) =>
        authView(
          await setImagingAuthorisation(ctx, principalOf(req).id, req.body.patientId, req.body.authorised),
        ),
    );

    app.get(
      '/v1/health-record',
      {
        preHandler: patient,
        schema: {
          tags,
          summary: '健康档案：历次指标汇总',
          querystring: ReportsHealthRecordQuery,
          response: { 200: HealthRecordListResponse },
        },
      },
      async (req) => {
        const r = await healthRecord(ctx, principalOf(req).id, req.query.patientId);
        return {
          patient: {
            id: r.patient.id,
            name: r.patient.name,
            gender: r.patient.gender,
            birthDate: r.patient.birthDate,
            relation: r.patient.relation,
          },
          reportCounts: r.reportCounts,
          indicators: r.indicators.map((i) => ({
            ...i,
            firstAt: i.firstAt.toISOString(),
            latest: { ...i.latest, at: i.latest.at.toISOString() },
          })),
        };
      },
    );

    registerHealthProfileRoutes(scope, ctx);

    app.get(
      '/v1/health-record/trend',
      {
        preHandler: patient,
        schema: {
          tags,
          summary: '单项指标趋势（按时间先后）',
          querystring: ReportsHealthRecordTrendQuery,
          response: { 200: HealthRecordTrendListResponse },
        },
      },
      async (req) => {
        const t = await indicatorTrend(ctx, principalOf(req).id, req.query.patientId, req.query.code);
        return { ...t, points: t.points.map((p) => ({ ...p, at: p.at.toISOString() })) };
      },
    );

    // ---- physical-exam report with an extraction code (no login: the code is the authority) ----
    app.post(
      '/v1/reports/exam-access',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: '获取体检报告提取码（短信发送到体检人预留手机）',
          body: ReportsExamAccessPostBody,
          response: { 200: ReportsExamAccessPostResponse },
        },
      },
      async (req) => requestExamAccess(ctx, req.body),
    );

    app.post(
      '/v1/reports/exam-access/verify',
      {
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: '凭提取码查看体检报告',
          body: ReportsExamAccessVerifyPostBody,
          response: { 200: ReportsExamAccessVerifyPostResponse },
        },
      },
      async (req) => detailView(await verifyExamAccess(ctx, req.body)),
    );

    // ---- console ----
    app.get(
      '/v1/admin/indicators',
      {
        preHandler: requireStaff(ctx, 'content.manage'),
        schema: {
          tags,
          summary: '指标知识库',
          querystring: ReportsAdminIndicatorsQuery,
          response: { 200: AdminIndicatorsListResponse },
        },
      },
      async (req) => ({ items: (await listIndicators(ctx, req.query.q)).map(indicatorView) }),
    );

    app.post(
      '/v1/admin/indicators',
      {
        preHandler: requireStaff(ctx, 'content.manage'),
        schema: {
          tags,
          summary: '新增指标解读',
          body: ReportsAdminIndicatorsPostBody,
          response: { 201: AdminIndicatorsPostResponse },
        },
      },
      async (req, reply) => {
        const { code, ...input } = req.body;
        return reply.status(201).send(indicatorView(await createIndicator(ctx, req, code, input)));
      },
    );

    app.put(
      '/v1/admin/indicators/:code',
      {
        preHandler: requireStaff(ctx, 'content.manage'),
        schema: {
          tags,
          summary: '修改指标解读',
          params: ReportsAdminIndicatorsPutParams,
          body: ReportsAdminIndicatorBody,
          response: { 200: AdminIndicatorsPutResponse },
        },
      },
      async (req) => indicatorView(await updateIndicator(ctx, req, req.params.code, req.body)),
    );

    app.get(
      '/v1/admin/reports',
      {
        preHandler: requireStaff(ctx, 'patients.read'),
        schema: {
          tags,
          summary: '报告记录（查看留痕）',
          querystring: ReportsAdminReportsQuery,
          response: { 200: AdminReportsListResponse },
        },
      },
      async (req) => {
        const r = await adminListReports(ctx, req, req.query);
        return {
          items: r.items.map((x) => ({ ...reportSummary(x), patientId: x.patientId })),
          total: r.total,
        };
      },
    );

    app.get(
      '/v1/admin/reports/:id',
      {
        preHandler: requireStaff(ctx, 'patients.read'),
        schema: {
          tags,
          summary: '报告详情（查看留痕）',
          params: ReportsAdminReportsParams,
          response: { 200: AdminReportsGetResponse },
        },
      },
      async (req) => {
        const report = await getReportById(ctx, req.params.id);
        await auditPatientAccess(ctx, req, {
          action: 'report.read',
          objectType: 'report',
          objectId: report.id,
          recordKind: 'report',
          ground: clinicalOrServiceGround(req),
          subjects: subjectOf(report),
        });
        return { ...detailView(await reportDetail(ctx, report)), patientId: report.patientId };
      },
    );
  },
};

function registerPushRoutes(
  scope: FastifyInstance,
  ctx: AppContext,
  channelOf: (req: FastifyRequest) => Channel,
): void {
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const ops = [
    {
      path: '/integration/v1/his/lis/reports',
      op: 'lis.reports.push',
      source: 'lis',
      kinds: ['lab', 'physical'],
    },
    {
      path: '/integration/v1/his/pacs/reports',
      op: 'pacs.reports.push',
      source: 'pacs',
      kinds: ['exam', 'pathology', 'physical'],
    },
  ] as const;
  for (const o of ops) {
    r.post(
      o.path,
      {
        config: { integrationOperation: o.op },
        schema: {
          tags: ['integration'],
          summary: `${o.source.toUpperCase()} 推送报告（签名调用，按报告号幂等）`,
          body: ReportsIntegrationPushBody,
          response: { 200: IntegrationReportPushResponse, 201: IntegrationReportPushResponse },
        },
      },
      async (req, reply) => {
        channelOf(req);
        if (!(o.kinds as readonly string[]).includes(req.body.kind)) {
          throw new DomainError(
            'REPORT_KIND_NOT_ALLOWED',
            400,
            '该来源不能推送此类报告',
            `The ${o.source.toUpperCase()} cannot push ${req.body.kind} reports`,
          );
        }
        const res = await pushReport(ctx, o.source, req.body);
        return reply.status(res.created ? 201 : 200).send({
          reportId: res.report.id,
          reportNo: res.report.reportNo,
          status: res.report.status,
          patientMatched: !!res.report.patientId,
          notified: res.notified,
        });
      },
    );
  }
}
