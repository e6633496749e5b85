import type { FastifyInstance, FastifyRequest } from 'fastify';
import { provideInvoiceSource } from '../../integrations/einvoice/index.js';
import { inpatientInvoiceSource } from './invoice-source.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import { recordPatientAccess } from '../access-log/index.js';
import type { Module } from '../index.js';
import { registerIntegrationApi } from '../gateway/index.js';
import { registerBusinessHandler } from '../payments/index.js';
import { registerInpatientStaffRoutes } from './staff-routes.js';
import {
  DAILY_LIST_JOB,
  DEPOSIT_BUSINESS,
  HIS_DEPOSIT_RETRY_JOB,
  admissionPatientId,
  LOW_BALANCE_JOB,
  SETTLEMENT_BUSINESS,
  bindAdmission,
  checkLowBalances,
  dailyList,
  depositClosed,
  depositPaid,
  depositRefundFinished,
  getAdmission,
  getSettlement,
  listAdmissions,
  listDeposits,
  paySettlement,
  pushAdmission,
  pushCharges,
  pushDischarge,
  refundSurplus,
  registerInpatientTemplates,
  reverseDischargeSettlement,
  retryHisDeposits,
  sendDailyLists,
  settlementPaid,
  startDeposit,
} from './service.js';
import {
  AdmissionsBindPostResponse,
  AdmissionsDailyListsListResponse,
  AdmissionsDepositsListResponse,
  AdmissionsDepositsPostResponse,
  AdmissionsGetResponse,
  AdmissionsListResponse,
  AdmissionsSettlementListResponse,
  AdmissionsSettlementPayPostResponse,
  AdmissionsSettlementRefundPostResponse,
  InpatientAdmissionParams,
  InpatientAdmissionPushBody,
  InpatientAdmissionsBindPostBody,
  InpatientAdmissionsDailyListsQuery,
  InpatientAdmissionsDepositsPostBody,
  InpatientAdmissionsQuery,
  InpatientAdmissionsSettlementPayPostBody,
  InpatientAdmissionsSettlementRefundPostBody,
  InpatientChargesPushBody,
  InpatientDischargePushBody,
  InpatientIntegrationHisAdmissionsChargesPostParams,
  InpatientIntegrationHisAdmissionsDischargePostParams,
  InpatientIntegrationHisAdmissionsSettlementReversalPostParams,
  InpatientSettlementReversalPushBody,
  IntegrationV1HisAdmissionsChargesPostResponse,
  IntegrationV1HisAdmissionsDischargePostResponse,
  IntegrationV1HisAdmissionsPostResponse,
  IntegrationV1HisAdmissionsSettlementReversalPostResponse,
} from '@qingnang/contracts';

// PostgreSQL text cannot hold NUL: refuse it as bad input.
export const inpatientModule: Module = {
  name: 'inpatient',
  async register(fastify: FastifyInstance, ctx: AppContext) {
    // this module's payments get e-invoices (the invoicing module's invoice-source port)
    provideInvoiceSource('inpatient', inpatientInvoiceSource);
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['inpatient'];
    const patient = requirePatient(ctx);
    // a family member's stay read by the account holding them is in that person's access log
    const recordAdmissionRead = async (req: FastifyRequest, admissionId: string, objectType: string) => {
      const patientId = await admissionPatientId(ctx, principalOf(req).id, admissionId);
      if (patientId)
        await recordPatientAccess(ctx, req, {
          patient: patientId,
          recordKind: 'inpatient',
          objectType,
          objectId: admissionId,
        });
    };

    registerInpatientTemplates();
    await registerInpatientStaffRoutes(fastify, ctx);
    registerBusinessHandler(DEPOSIT_BUSINESS, {
      onPaid: (c, order) => depositPaid(c, order),
      onClosed: (c, order) => depositClosed(c, order),
      onRefundFinished: (c, _order, refund) => depositRefundFinished(c, refund),
    });
    registerBusinessHandler(SETTLEMENT_BUSINESS, {
      onPaid: (c, order) => settlementPaid(c, order),
    });

    ctx.jobs.register(LOW_BALANCE_JOB, async () => void (await checkLowBalances(ctx)), {
      cron: '*/10 * * * *',
    });
    const [h, m] = ctx.config.INPATIENT_DAILY_LIST_TIME.split(':').map(Number);
    ctx.jobs.register<{ date?: string }>(
      DAILY_LIST_JOB,
      async (d) => void (await sendDailyLists(ctx, d?.date)),
      { cron: `${m} ${h} * * *` },
    );
    ctx.jobs.register(HIS_DEPOSIT_RETRY_JOB, async () => retryHisDeposits(ctx), { cron: '*/5 * * * *' });

    // ------------------------------------------------------------ HIS pushes (signed)
    await app.register(async (child) =>
      registerIntegrationApi(child, ctx, (scope, c, channelOf) => {
        const r = scope.withTypeProvider<ZodTypeProvider>();
        r.post(
          '/integration/v1/his/admissions',
          {
            config: { integrationOperation: 'his.admissions.push' },
            schema: {
              tags: ['integration'],
              summary: 'HIS 推送入院登记（签名调用）',
              body: InpatientAdmissionPushBody,
              response: { 200: IntegrationV1HisAdmissionsPostResponse },
            },
          },
          async (req) => pushAdmission(c, channelOf(req).id, req.body),
        );
        r.post(
          '/integration/v1/his/admissions/:admissionNo/charges',
          {
            config: { integrationOperation: 'his.inpatient-charges.push' },
            schema: {
              tags: ['integration'],
              summary: 'HIS 推送住院费用明细（按明细号幂等，签名调用）',
              params: InpatientIntegrationHisAdmissionsChargesPostParams,
              body: InpatientChargesPushBody,
              response: { 200: IntegrationV1HisAdmissionsChargesPostResponse },
            },
          },
          async (req) => {
            channelOf(req);
            return pushCharges(c, req.params.admissionNo, req.body.lines);
          },
        );
        r.post(
          '/integration/v1/his/admissions/:admissionNo/discharge',
          {
            config: { integrationOperation: 'his.discharge.push' },
            schema: {
              tags: ['integration'],
              summary: 'HIS 推送出院（总费用），开启出院结算（签名调用）',
              params: InpatientIntegrationHisAdmissionsDischargePostParams,
              body: InpatientDischargePushBody,
              response: { 200: IntegrationV1HisAdmissionsDischargePostResponse },
            },
          },
          async (req) => {
            channelOf(req);
            return pushDischarge(c, req.params.admissionNo, req.body);
          },
        );
        r.post(
          '/integration/v1/his/admissions/:admissionNo/settlement-reversal',
          {
            config: { integrationOperation: 'his.discharge-reversal.push' },
            schema: {
              tags: ['integration'],
              summary: 'HIS 推送撤销出院结算（出院召回），原电子票据冲红（签名调用）',
              params: InpatientIntegrationHisAdmissionsSettlementReversalPostParams,
              body: InpatientSettlementReversalPushBody,
              response: { 200: IntegrationV1HisAdmissionsSettlementReversalPostResponse },
            },
          },
          async (req) => {
            channelOf(req);
            return reverseDischargeSettlement(c, req.params.admissionNo, req.body);
          },
        );
      }),
    );

    // ------------------------------------------------------------ patients
    app.post(
      '/v1/admissions/bind',
      {
        schema: {
          tags,
          summary: '绑定住院记录（住院号 + 姓名核对）',
          body: InpatientAdmissionsBindPostBody,
          response: { 201: AdmissionsBindPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) => reply.status(201).send(await bindAdmission(ctx, principalOf(req).id, req.body)),
    );
    app.get(
      '/v1/admissions',
      {
        schema: {
          tags,
          summary: '我的住院记录（在院与历次）',
          querystring: InpatientAdmissionsQuery,
          response: { 200: AdmissionsListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const list = await listAdmissions(ctx, principalOf(req).id, req.query.patientId);
        if (list.current.length || list.past.length)
          await recordPatientAccess(ctx, req, {
            patient: req.query.patientId,
            recordKind: 'inpatient',
            objectType: 'admission',
          });
        return list;
      },
    );
    app.get(
      '/v1/admissions/:id',
      {
        schema: {
          tags,
          summary: '住院信息',
          params: InpatientAdmissionParams,
          response: { 200: AdmissionsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const admission = await getAdmission(ctx, principalOf(req).id, req.params.id);
        await recordAdmissionRead(req, req.params.id, 'admission');
        return admission;
      },
    );
    app.post(
      '/v1/admissions/:id/deposits',
      {
        schema: {
          tags,
          summary: '充值住院预交金：返回待支付订单',
          params: InpatientAdmissionParams,
          body: InpatientAdmissionsDepositsPostBody,
          response: { 201: AdmissionsDepositsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) =>
        reply.status(201).send(await startDeposit(ctx, principalOf(req).id, req.params.id, req.body)),
    );
    app.get(
      '/v1/admissions/:id/deposits',
      {
        schema: {
          tags,
          summary: '预交金缴纳记录',
          params: InpatientAdmissionParams,
          response: { 200: AdmissionsDepositsListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const deposits = await listDeposits(ctx, principalOf(req).id, req.params.id);
        await recordAdmissionRead(req, req.params.id, 'inpatient_deposits');
        return deposits;
      },
    );
    app.get(
      '/v1/admissions/:id/daily-lists',
      {
        schema: {
          tags,
          summary: '住院一日清单',
          params: InpatientAdmissionParams,
          querystring: InpatientAdmissionsDailyListsQuery,
          response: { 200: AdmissionsDailyListsListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const list = await dailyList(ctx, principalOf(req).id, req.params.id, req.query.date);
        await recordAdmissionRead(req, req.params.id, 'daily_list');
        return list;
      },
    );
    app.get(
      '/v1/admissions/:id/settlement',
      {
        schema: {
          tags,
          summary: '出院结算：预交金、费用与差额',
          params: InpatientAdmissionParams,
          response: { 200: AdmissionsSettlementListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const settlement = await getSettlement(ctx, principalOf(req).id, req.params.id);
        await recordAdmissionRead(req, req.params.id, 'inpatient_settlement');
        return settlement;
      },
    );
    app.post(
      '/v1/admissions/:id/settlement/pay',
      {
        schema: {
          tags,
          summary: '出院结算补缴：返回待支付订单',
          params: InpatientAdmissionParams,
          body: InpatientAdmissionsSettlementPayPostBody,
          response: { 201: AdmissionsSettlementPayPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) =>
        reply.status(201).send(await paySettlement(ctx, principalOf(req).id, req.params.id)),
    );
    app.post(
      '/v1/admissions/:id/settlement/refund',
      {
        schema: {
          tags,
          summary: '出院结算退还预交金余额（原路退回，仅一次）',
          params: InpatientAdmissionParams,
          body: InpatientAdmissionsSettlementRefundPostBody,
          response: { 200: AdmissionsSettlementRefundPostResponse },
        },
        preHandler: patient,
      },
      async (req) => refundSurplus(ctx, principalOf(req).id, req.params.id),
    );
  },
};
