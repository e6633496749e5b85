import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import type { Module } from '../index.js';
import { registerCreditStaffRoutes } from './staff-routes.js';
import {
  activateCredit,
  closeCredit,
  getCredit,
  listCreditAccountsForStaff,
  payOrderOnCredit,
  setFrictionless,
  signWithholding,
  startSettlement,
} from './service.js';
import {
  AdminCreditAccountsListResponse,
  CreditAccountsClosePostResponse,
  CreditAccountsFrictionlessPutResponse,
  CreditAccountsGetResponse,
  CreditAccountsPostResponse,
  CreditAccountsWithholdingPostResponse,
  CreditPaymentsPostResponse,
  CreditSettlementsPostResponse,
  CreditAccountsClosePostBody,
  CreditAccountsClosePostParams,
  CreditAccountsFrictionlessPutBody,
  CreditAccountsFrictionlessPutParams,
  CreditAccountsParams,
  CreditAccountsWithholdingPostBody,
  CreditAccountsWithholdingPostParams,
  CreditAdminCreditAccountsQuery,
  CreditPatientBody,
  CreditPaymentsPostBody,
} from '@qingnang/contracts';

/** The credit module's routes (patient and staff); module.ts registers them. */
export const creditRoutes: Pick<Module, 'register'> = {
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['credit'];
    const patient = requirePatient(ctx);

    await registerCreditStaffRoutes(fastify, ctx);
    app.post(
      '/v1/credit/accounts',
      {
        schema: {
          tags,
          summary: '开通信用就医（信用平台评估并给出额度），重复开通返回同一结果',
          body: CreditPatientBody,
          response: { 201: CreditAccountsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) =>
        reply.status(201).send(await activateCredit(ctx, principalOf(req).id, req.body.patientId)),
    );
    app.get(
      '/v1/credit/accounts/:patientId',
      {
        schema: {
          tags,
          summary: '信用就医：额度、已用、逾期、待结算费用与无感支付状态',
          params: CreditAccountsParams,
          response: { 200: CreditAccountsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => getCredit(ctx, principalOf(req).id, req.params.patientId),
    );
    app.post(
      '/v1/credit/accounts/:patientId/close',
      {
        schema: {
          tags,
          summary: '关闭信用就医（须已结清）',
          params: CreditAccountsClosePostParams,
          body: CreditAccountsClosePostBody,
          response: { 200: CreditAccountsClosePostResponse },
        },
        preHandler: patient,
      },
      async (req) => closeCredit(ctx, principalOf(req).id, req.params.patientId),
    );
    app.post(
      '/v1/credit/accounts/:patientId/withholding',
      {
        schema: {
          tags,
          summary: '签约无感支付（免密代扣协议），签约后默认开启',
          params: CreditAccountsWithholdingPostParams,
          body: CreditAccountsWithholdingPostBody,
          response: { 200: CreditAccountsWithholdingPostResponse },
        },
        preHandler: patient,
      },
      async (req) => signWithholding(ctx, principalOf(req).id, req.params.patientId),
    );
    app.put(
      '/v1/credit/accounts/:patientId/frictionless',
      {
        schema: {
          tags,
          summary: '无感支付开关',
          params: CreditAccountsFrictionlessPutParams,
          body: CreditAccountsFrictionlessPutBody,
          response: { 200: CreditAccountsFrictionlessPutResponse },
        },
        preHandler: patient,
      },
      async (req) => setFrictionless(ctx, principalOf(req).id, req.params.patientId, req.body.enabled),
    );
    app.post(
      '/v1/credit/payments',
      {
        schema: {
          tags,
          summary: '用信用就医支付一笔挂号费或门诊缴费订单（先诊疗后付费）',
          body: CreditPaymentsPostBody,
          response: { 200: CreditPaymentsPostResponse },
        },
        preHandler: patient,
      },
      async (req) => payOrderOnCredit(ctx, principalOf(req).id, req.body),
    );
    app.post(
      '/v1/credit/settlements',
      {
        schema: {
          tags,
          summary: '一次结算全部信用就医欠费：生成一笔支付订单（再用 /payments/orders/:orderId/pay 支付）',
          body: CreditPatientBody,
          response: { 201: CreditSettlementsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) =>
        reply.status(201).send(await startSettlement(ctx, principalOf(req).id, req.body.patientId)),
    );

    app.get(
      '/v1/admin/credit/accounts',
      {
        schema: {
          tags: ['credit (console)'],
          summary: '信用就医账户：额度、欠费与逾期（姓名脱敏）',
          querystring: CreditAdminCreditAccountsQuery,
          response: { 200: AdminCreditAccountsListResponse },
        },
        preHandler: requireStaff(ctx, 'payments.read'),
      },
      async (req) => {
        const items = await listCreditAccountsForStaff(ctx, {
          state: req.query.state,
          overdue: req.query.overdue === 'true',
        });
        await audit(ctx, req, {
          action: 'credit.accounts.list',
          objectType: 'credit_account',
          detail: { count: items.length, ...req.query },
        });
        return { items };
      },
    );
  },
};
