import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audit, auditPatientAccess } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { recordPatientAccess } from '../access-log/index.js';
import type { Module } from '../index.js';
import {
  accountBalance,
  authoriseCredential,
  bindSocialCard,
  cancelSettlement,
  consumptionRecords,
  credentialQr,
  getCredential,
  getMySettlement,
  getSettlementForStaff,
  insurableBills,
  listMySettlements,
  listSettlementsForStaff,
  payRegistrationFromAccount,
  preSettle,
  refundSettlement,
  sandboxAuthCode,
  secondaryEligibility,
  secondarySettle,
  settle,
  settleDirectly,
  staffCancelSettlement,
} from './service.js';
import {
  AdminInsuranceSettlementsCancelPostResponse,
  AdminInsuranceSettlementsGetResponse,
  AdminInsuranceSettlementsListResponse,
  InsuranceBillsListResponse,
  InsuranceCredentialsBalanceListResponse,
  InsuranceCredentialsConsumptionListResponse,
  InsuranceCredentialsGetResponse,
  InsuranceCredentialsPostResponse,
  InsuranceCredentialsQrListResponse,
  InsuranceCredentialsSocialCardPutResponse,
  InsurancePreSettlementsPostResponse,
  InsuranceRegistrationPaymentsPostResponse,
  InsuranceSandboxAuthCodePostResponse,
  InsuranceSecondarySettlementBillsListResponse,
  InsuranceSecondarySettlementsPostResponse,
  InsuranceSettlementsCancelPostResponse,
  InsuranceSettlementsGetResponse,
  InsuranceSettlementsListResponse,
  InsuranceSettlementsPostResponse,
  InsuranceSettlementsRefundPostResponse,
  InsuranceSettlementsSettlePostResponse,
} from '@qingnang/contracts';

const id = z.string().min(1).max(64);
const billIds = z.array(id).min(1).max(20);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const STATES = [
  'pre_settled',
  'settling',
  'cash_pending',
  'settled',
  'expired',
  'failed',
  'reversing',
  'reversed',
  'refunding',
  'refunded',
] as const;

/** The insurance module's routes (patient and finance); module.ts registers them. */
export const insuranceRoutes: Pick<Module, 'register'> = {
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['insurance'];
    const patient = requirePatient(ctx);

    // ------------------------------------------------------------ credential (INS-01 … 05, 13, 14)
    app.post(
      '/v1/insurance/credentials',
      {
        schema: {
          tags,
          summary: '医保电子凭证激活授权：用凭证 SDK 返回的授权码换取参保人信息，须与就诊人实名一致',
          body: z.object({ patientId: id, authCode: z.string().trim().min(8).max(2000) }).strict(),
          response: { 201: InsuranceCredentialsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) =>
        reply.status(201).send(await authoriseCredential(ctx, principalOf(req).id, req.body)),
    );
    app.get(
      '/v1/insurance/credentials/:patientId',
      {
        schema: {
          tags,
          summary: '电子医保卡信息（号码脱敏）',
          params: z.object({ patientId: id }),
          response: { 200: InsuranceCredentialsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => getCredential(ctx, principalOf(req).id, req.params.patientId),
    );
    app.get(
      '/v1/insurance/credentials/:patientId/qr',
      {
        schema: {
          tags,
          summary: '医保电子凭证展码（动态码，约 1 分钟有效）',
          params: z.object({ patientId: id }),
          response: { 200: InsuranceCredentialsQrListResponse },
        },
        preHandler: patient,
      },
      async (req) => credentialQr(ctx, principalOf(req).id, req.params.patientId),
    );
    app.put(
      '/v1/insurance/credentials/:patientId/social-card',
      {
        schema: {
          tags,
          summary: '绑定社保卡：只接受就诊人本人实名身份的社保卡',
          params: z.object({ patientId: id }),
          body: z
            .object({
              cardNo: z
                .string()
                .trim()
                .regex(/^[0-9A-Za-z]{6,20}$/),
            })
            .strict(),
          response: { 200: InsuranceCredentialsSocialCardPutResponse },
        },
        preHandler: patient,
      },
      async (req) => bindSocialCard(ctx, principalOf(req).id, req.params.patientId, req.body.cardNo),
    );
    app.get(
      '/v1/insurance/credentials/:patientId/balance',
      {
        schema: {
          tags,
          summary: '医保个人账户余额',
          params: z.object({ patientId: id }),
          response: { 200: InsuranceCredentialsBalanceListResponse },
        },
        preHandler: patient,
      },
      async (req) => accountBalance(ctx, principalOf(req).id, req.params.patientId),
    );
    app.get(
      '/v1/insurance/credentials/:patientId/consumption',
      {
        schema: {
          tags,
          summary: '医保个人账户消费记录（新在前）',
          params: z.object({ patientId: id }),
          response: { 200: InsuranceCredentialsConsumptionListResponse },
        },
        preHandler: patient,
      },
      async (req) => ({ items: await consumptionRecords(ctx, principalOf(req).id, req.params.patientId) }),
    );
    app.post(
      '/v1/insurance/sandbox/auth-code',
      {
        schema: {
          tags,
          summary: '沙箱医保电子凭证页：为就诊人本人身份签发授权码（仅沙箱适配器）',
          body: z.object({ patientId: id }).strict(),
          response: { 200: InsuranceSandboxAuthCodePostResponse },
        },
        preHandler: patient,
      },
      async (req) => sandboxAuthCode(ctx, principalOf(req).id, req.body.patientId),
    );

    // ------------------------------------------------------------ settlement (INS-06 … 12, 15)
    app.get(
      '/v1/insurance/bills',
      {
        schema: {
          tags,
          summary: '可医保结算的待缴费单据，及就诊人是否已授权医保电子凭证',
          querystring: z.object({ patientId: id }).strict(),
          response: { 200: InsuranceBillsListResponse },
        },
        preHandler: patient,
      },
      async (req) => insurableBills(ctx, principalOf(req).id, req.query.patientId),
    );
    const SettleBody = z.object({ patientId: id, billIds, useAccount: z.boolean().default(true) }).strict();
    app.post(
      '/v1/insurance/pre-settlements',
      {
        schema: {
          tags,
          summary: '医保预结算：统筹、个账、现金分项（有效期内方可结算）',
          body: SettleBody,
          response: { 201: InsurancePreSettlementsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) => reply.status(201).send(await preSettle(ctx, principalOf(req).id, req.body)),
    );
    app.post(
      '/v1/insurance/settlements',
      {
        schema: {
          tags,
          summary: '直接结算（预结算与结算一步完成）；现金部分返回支付订单',
          body: SettleBody,
          response: { 201: InsuranceSettlementsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) => reply.status(201).send(await settleDirectly(ctx, principalOf(req).id, req.body)),
    );
    app.post(
      '/v1/insurance/settlements/:id/settle',
      {
        schema: {
          tags,
          summary: '按有效预结算结算：医保部分先结算，现金部分生成支付订单；重复提交返回同一结算',
          params: z.object({ id }),
          body: z.object({}).strict().nullish(),
          response: { 200: InsuranceSettlementsSettlePostResponse },
        },
        preHandler: patient,
      },
      async (req) => settle(ctx, principalOf(req).id, req.params.id),
    );
    app.get(
      '/v1/insurance/settlements',
      {
        schema: { tags, summary: '我的医保结算记录', response: { 200: InsuranceSettlementsListResponse } },
        preHandler: patient,
      },
      async (req) => {
        const items = await listMySettlements(ctx, principalOf(req).id);
        // one entry per family member whose settlements the list showed
        for (const patientId of new Set(items.map((s) => s.patientId)))
          await recordPatientAccess(ctx, req, {
            patient: patientId,
            recordKind: 'insurance',
            objectType: 'insurance_settlement',
          });
        return { items };
      },
    );
    app.get(
      '/v1/insurance/settlements/:id',
      {
        schema: {
          tags,
          summary: '医保支付结果：总额、统筹、个账、现金及单据分项',
          params: z.object({ id }),
          response: { 200: InsuranceSettlementsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const settlement = await getMySettlement(ctx, principalOf(req).id, req.params.id);
        await recordPatientAccess(ctx, req, {
          patient: settlement.patientId,
          recordKind: 'insurance',
          objectType: 'insurance_settlement',
          objectId: settlement.id,
        });
        return settlement;
      },
    );
    app.post(
      '/v1/insurance/settlements/:id/cancel',
      {
        schema: {
          tags,
          summary: '取消结算：现金部分未支付时撤销医保结算',
          params: z.object({ id }),
          body: z.object({}).strict().nullish(),
          response: { 200: InsuranceSettlementsCancelPostResponse },
        },
        preHandler: patient,
      },
      async (req) => cancelSettlement(ctx, principalOf(req).id, req.params.id),
    );
    app.post(
      '/v1/insurance/settlements/:id/refund',
      {
        schema: {
          tags,
          summary: '医保退费：统筹与个账退回医保，现金原路退回；已执行/已打印发票须到窗口（GO_TO_COUNTER）',
          params: z.object({ id }),
          body: z.object({}).strict().nullish(),
          response: { 200: InsuranceSettlementsRefundPostResponse },
        },
        preHandler: patient,
      },
      async (req) => refundSettlement(ctx, principalOf(req).id, req.params.id),
    );
    app.get(
      '/v1/insurance/secondary-settlement/bills',
      {
        schema: {
          tags,
          summary: '医保二次结算：已用手机现金缴费的单据及是否符合条件（原因）',
          querystring: z.object({ patientId: id }).strict(),
          response: { 200: InsuranceSecondarySettlementBillsListResponse },
        },
        preHandler: patient,
      },
      async (req) => secondaryEligibility(ctx, principalOf(req).id, req.query.patientId),
    );
    app.post(
      '/v1/insurance/secondary-settlements',
      {
        schema: {
          tags,
          summary: '医保二次结算：报销部分原路退回各笔现金支付',
          body: SettleBody,
          response: { 201: InsuranceSecondarySettlementsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) => reply.status(201).send(await secondarySettle(ctx, principalOf(req).id, req.body)),
    );

    app.post(
      '/v1/insurance/registration-payments',
      {
        schema: {
          tags,
          summary: '挂号费医保个账支付：个人账户全额支付锁定中的挂号，退号时原路退回个人账户',
          body: z.object({ registrationId: id }).strict(),
          response: { 201: InsuranceRegistrationPaymentsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await payRegistrationFromAccount(ctx, principalOf(req).id, req.body.registrationId)),
    );

    // ------------------------------------------------------------ finance
    const ctags = ['insurance (console)'];
    app.get(
      '/v1/admin/insurance-settlements',
      {
        schema: {
          tags: ctags,
          summary: '医保结算列表（按状态、类型、结算号、日期筛选）',
          querystring: z
            .object({
              state: z.enum(STATES).optional(),
              kind: z.enum(['outpatient', 'secondary', 'registration']).optional(),
              settlementNo: z
                .string()
                .regex(/^[\w-]{4,40}$/)
                .optional(),
              from: isoDate.optional(),
              to: isoDate.optional(),
              limit: z.coerce.number().int().min(1).max(500).default(100),
            })
            .strict(),
          response: { 200: AdminInsuranceSettlementsListResponse },
        },
        preHandler: requireStaff(ctx, 'payments.read'),
      },
      async (req) => {
        const items = await listSettlementsForStaff(ctx, req.query);
        await audit(ctx, req, {
          action: 'insurance.settlements.list',
          objectType: 'insurance_settlement',
          detail: { count: items.length },
        });
        return { items };
      },
    );
    app.get(
      '/v1/admin/insurance-settlements/:id',
      {
        schema: {
          tags: ctags,
          summary: '医保结算详情，含医保平台的结算结果查询',
          params: z.object({ id }),
          response: { 200: AdminInsuranceSettlementsGetResponse },
        },
        preHandler: requireStaff(ctx, 'payments.read'),
      },
      async (req) => {
        const s = await getSettlementForStaff(ctx, req.params.id);
        await auditPatientAccess(ctx, req, {
          action: 'insurance.settlement.read',
          objectType: 'insurance_settlement',
          objectId: s.id,
          recordKind: 'insurance',
          ground: 'finance',
          subjects: { patientId: s.patientId },
        });
        return s;
      },
    );
    app.post(
      '/v1/admin/insurance-settlements/:id/cancel',
      {
        schema: {
          tags: ctags,
          summary: '窗口撤销/退费：未付现金的结算撤销；已结算的按原路退回（不受线上退费期限限制）',
          params: z.object({ id }),
          body: z.object({ reason: z.string().trim().min(2).max(200) }).strict(),
          response: { 200: AdminInsuranceSettlementsCancelPostResponse },
        },
        preHandler: requireStaff(ctx, 'refunds.manage'),
      },
      async (req) => {
        const s = await staffCancelSettlement(ctx, principalOf(req).id, req.params.id, req.body.reason);
        await audit(ctx, req, {
          action: 'insurance.settlement.cancel',
          objectType: 'insurance_settlement',
          objectId: s.id,
          detail: { state: s.state },
        });
        return s;
      },
    );
  },
};
