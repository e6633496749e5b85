import type { FastifyInstance } from 'fastify';
import { provideInvoiceSource } from '../../integrations/einvoice/index.js';
import { billInvoiceSource } from './invoice-source.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { recordPatientAccess } from '../access-log/index.js';
import type { Module } from '../index.js';
import { registerIntegrationApi } from '../gateway/index.js';
import { registerBusinessHandler } from '../payments/index.js';
import { registerBillingTemplates } from './templates.js';
import { PAY_REMINDER_JOB, remindUnpaidBills } from './fee-messages.js';
import { registerGuideRoutes } from './guide-routes.js';
import { registerMedicationRoutes } from './medications.js';
import { pushCounterRefund } from './counter.js';
import { registerBillingStaffRoutes } from './staff-routes.js';
import {
  BUSINESS_TYPE,
  WRITEBACK_SWEEP_JOB,
  createBillPayment,
  getBill,
  getBillPayment,
  listBillPayments,
  listBills,
  listWriteBackFailures,
  onBillPaid,
  onBillPaymentClosed,
  pushBills,
  pushExecution,
  pushInvoiced,
  pushVisit,
  refundBillsOnline,
  scanBill,
  writeBackSweep,
} from './service.js';
import {
  AdminBillWritebackFailuresListResponse,
  BillPaymentsGetResponse,
  BillPaymentsListResponse,
  BillPaymentsPostResponse,
  BillPaymentsRefundPostResponse,
  BillingBillPaymentsParams,
  BillingBillPaymentsPostBody,
  BillingBillPaymentsRefundPostBody,
  BillingBillPaymentsRefundPostParams,
  BillingBillsParams,
  BillingBillsQuery,
  BillingBillsScanQuery,
  BillingIntegrationHisBillsCounterRefundPostBody,
  BillingIntegrationHisBillsCounterRefundPostParams,
  BillingIntegrationHisBillsExecutionPostBody,
  BillingIntegrationHisBillsExecutionPostParams,
  BillingIntegrationHisBillsInvoicePrintedPostBody,
  BillingIntegrationHisBillsInvoicePrintedPostParams,
  BillingIntegrationHisBillsPostBody,
  BillingIntegrationHisVisitsPostBody,
  BillsGetResponse,
  BillsListResponse,
  BillsScanListResponse,
  IntegrationV1HisBillsCounterRefundPostResponse,
  IntegrationV1HisBillsExecutionPostResponse,
  IntegrationV1HisBillsInvoicePrintedPostResponse,
  IntegrationV1HisBillsPostResponse,
  IntegrationV1HisVisitsPostResponse,
} from '@qingnang/contracts';

export const billingModule: Module = {
  name: 'billing',
  async register(fastify: FastifyInstance, ctx: AppContext) {
    // this module's payments get e-invoices (the invoicing module's invoice-source port)
    provideInvoiceSource('bill', billInvoiceSource);
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['billing'];
    const patient = requirePatient(ctx);

    registerBillingTemplates();
    registerBusinessHandler(BUSINESS_TYPE, {
      onPaid: (c, order) => onBillPaid(c, order),
      onClosed: (c, order) => onBillPaymentClosed(c, order),
    });
    ctx.jobs.register(WRITEBACK_SWEEP_JOB, async () => writeBackSweep(ctx), { cron: '* * * * *' });
    ctx.jobs.register(PAY_REMINDER_JOB, async () => void (await remindUnpaidBills(ctx)), {
      cron: '*/10 * * * *',
    });

    // ------------------------------------------------------------ HIS pushes (signed)
    await fastify.register(async (child) =>
      registerIntegrationApi(child, ctx, (scope, _ctx, channelOf) => {
        const r = scope.withTypeProvider<ZodTypeProvider>();
        const itags = ['integration'];
        r.post(
          '/integration/v1/his/visits',
          {
            config: { integrationOperation: 'his.visits.push' },
            schema: {
              tags: itags,
              summary: 'HIS 推送就诊记录（签名调用），按就诊号幂等',
              body: BillingIntegrationHisVisitsPostBody,
              response: { 200: IntegrationV1HisVisitsPostResponse },
            },
          },
          async (req) => pushVisit(ctx, channelOf(req), req.body),
        );
        r.post(
          '/integration/v1/his/bills',
          {
            config: { integrationOperation: 'his.bills.push' },
            schema: {
              tags: itags,
              summary: 'HIS 推送就诊的缴费单据（签名调用），按单据号幂等；已缴费单据不再改变',
              body: BillingIntegrationHisBillsPostBody,
              response: { 200: IntegrationV1HisBillsPostResponse },
            },
          },
          async (req) => pushBills(ctx, channelOf(req), req.body.visitNo, req.body.bills),
        );
        r.post(
          '/integration/v1/his/bills/:billNo/execution',
          {
            config: { integrationOperation: 'his.execution.push' },
            schema: {
              tags: itags,
              summary: 'HIS 推送单据执行状态（已发药/已执行），执行后不能线上退费',
              params: BillingIntegrationHisBillsExecutionPostParams,
              body: BillingIntegrationHisBillsExecutionPostBody,
              response: { 200: IntegrationV1HisBillsExecutionPostResponse },
            },
          },
          async (req) => pushExecution(ctx, channelOf(req), { billNo: req.params.billNo, ...req.body }),
        );
        r.post(
          '/integration/v1/his/bills/:billNo/invoice-printed',
          {
            config: { integrationOperation: 'his.execution.push' },
            schema: {
              tags: itags,
              summary: 'HIS 报告单据已打印纸质发票（此后只能窗口退费）',
              params: BillingIntegrationHisBillsInvoicePrintedPostParams,
              body: BillingIntegrationHisBillsInvoicePrintedPostBody,
              response: { 200: IntegrationV1HisBillsInvoicePrintedPostResponse },
            },
          },
          async (req) => pushInvoiced(ctx, channelOf(req), req.params.billNo),
        );
        r.post(
          '/integration/v1/his/bills/:billNo/counter-refund',
          {
            config: { integrationOperation: 'his.execution.push' },
            schema: {
              tags: itags,
              summary: 'HIS 报告窗口退费（原路退回由平台退款；现金退费仅记录）',
              params: BillingIntegrationHisBillsCounterRefundPostParams,
              body: BillingIntegrationHisBillsCounterRefundPostBody,
              response: { 200: IntegrationV1HisBillsCounterRefundPostResponse },
            },
          },
          async (req) => pushCounterRefund(ctx, channelOf(req), req.params.billNo, req.body),
        );
      }),
    );

    // ------------------------------------------------------------ patient
    app.get(
      '/v1/bills',
      {
        schema: {
          tags,
          summary: '就诊人的门诊缴费单据（默认待缴费）及明细',
          querystring: BillingBillsQuery,
          response: { 200: BillsListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const items = await listBills(ctx, principalOf(req).id, req.query.patientId, req.query.state);
        // a family member's bills shown to the account holding them are in that person's access log
        if (items.length)
          await recordPatientAccess(ctx, req, {
            patient: req.query.patientId,
            recordKind: 'bill',
            objectType: 'bill',
          });
        return { items };
      },
    );
    app.get(
      '/v1/bills/scan',
      {
        schema: {
          tags,
          summary: '扫处方单二维码打开对应单据',
          querystring: BillingBillsScanQuery,
          response: { 200: BillsScanListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const bill = await scanBill(ctx, principalOf(req).id, req.query.code);
        await recordPatientAccess(ctx, req, {
          patient: bill.patientId,
          recordKind: 'bill',
          objectType: 'bill',
          objectId: bill.id,
        });
        return bill;
      },
    );
    app.get(
      '/v1/bills/:id',
      {
        schema: {
          tags,
          summary: '单据详情及明细',
          params: BillingBillsParams,
          response: { 200: BillsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const bill = await getBill(ctx, principalOf(req).id, req.params.id);
        await recordPatientAccess(ctx, req, {
          patient: bill.patientId,
          recordKind: 'bill',
          objectType: 'bill',
          objectId: bill.id,
        });
        return bill;
      },
    );
    app.post(
      '/v1/bill-payments',
      {
        schema: {
          tags,
          summary: '多张单据一次缴费：生成一笔支付订单（再用 /payments/orders/:orderId/pay 支付）',
          body: BillingBillPaymentsPostBody,
          response: { 201: BillPaymentsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) =>
        reply.status(201).send(await createBillPayment(ctx, principalOf(req).id, req.body)),
    );
    app.get(
      '/v1/bill-payments',
      {
        schema: { tags, summary: '我的门诊缴费记录', response: { 200: BillPaymentsListResponse } },
        preHandler: patient,
      },
      async (req) => ({ items: await listBillPayments(ctx, principalOf(req).id) }),
    );
    app.get(
      '/v1/bill-payments/:id',
      {
        schema: {
          tags,
          summary: '缴费凭据：各单据状态、HIS 收据号与去向指引',
          params: BillingBillPaymentsParams,
          response: { 200: BillPaymentsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => getBillPayment(ctx, principalOf(req).id, req.params.id),
    );
    app.post(
      '/v1/bill-payments/:id/refund',
      {
        schema: {
          tags,
          summary: '线上退费：仅未执行、未打印发票、在退费期限内的整张单据；否则 GO_TO_COUNTER',
          params: BillingBillPaymentsRefundPostParams,
          body: BillingBillPaymentsRefundPostBody,
          response: { 200: BillPaymentsRefundPostResponse },
        },
        preHandler: patient,
      },
      async (req) => refundBillsOnline(ctx, principalOf(req).id, req.params.id, req.body.billIds),
    );

    await registerGuideRoutes(fastify, ctx);
    await registerMedicationRoutes(fastify, ctx);
    await registerBillingStaffRoutes(fastify, ctx);

    // ------------------------------------------------------------ finance
    app.get(
      '/v1/admin/bill-writeback-failures',
      {
        schema: {
          tags: ['billing (console)'],
          summary: 'HIS 回写失败并已自动退款的缴费',
          response: { 200: AdminBillWritebackFailuresListResponse },
        },
        preHandler: requireStaff(ctx, 'payments.read'),
      },
      async (req) => {
        const items = await listWriteBackFailures(ctx);
        await audit(ctx, req, {
          action: 'billing.writeback_failures.list',
          objectType: 'bill_payment',
          outcome: 'success',
          detail: { count: items.length },
        });
        return { items };
      },
    );
  },
};
