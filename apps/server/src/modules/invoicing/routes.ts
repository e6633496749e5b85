import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { audit } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { recordPatientAccess } from '../access-log/index.js';
import type { Module } from '../index.js';
import { registerIntegrationApi } from '../gateway/index.js';
import {
  getPatientInvoice,
  kioskInvoicePdf,
  kioskInvoicesOfCard,
  listInvoicesForStaff,
  listPatientInvoices,
  markInvoicePrinted,
  patientInvoicePdf,
  reissueEInvoice,
  verifyEInvoice,
} from './service.js';
import {
  AdminEinvoicesListResponse,
  AdminEinvoicesReissuePostResponse,
  EinvoicesGetResponse,
  EinvoicesListResponse,
  EinvoicesPdfListResponse,
  EinvoicesVerifyListResponse,
  IntegrationV1EinvoicesPdfPostResponse,
  IntegrationV1EinvoicesPrintedPostResponse,
  IntegrationV1EinvoicesSearchPostResponse,
  InvoicingAdminEinvoicesQuery,
  InvoicingAdminEinvoicesReissuePostBody,
  InvoicingAdminEinvoicesReissuePostParams,
  InvoicingEinvoicesParams,
  InvoicingEinvoicesPdfParams,
  InvoicingEinvoicesQuery,
  InvoicingEinvoicesVerifyQuery,
  InvoicingIntegrationEinvoicesPdfPostBody,
  InvoicingIntegrationEinvoicesPrintedPostBody,
  InvoicingIntegrationEinvoicesSearchPostBody,
} from '@qingnang/contracts';

/** The invoicing module's routes (patient, signed printing pushes, console); module.ts registers them. */
export const invoicingRoutes: Pick<Module, 'register'> = {
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['einvoices'];
    const patient = requirePatient(ctx);

    // ------------------------------------------------------------ kiosk / window printing (signed)
    await fastify.register(async (child) =>
      registerIntegrationApi(child, ctx, (scope, _ctx, channelOf) => {
        scope.withTypeProvider<ZodTypeProvider>().post(
          '/integration/v1/einvoices/printed',
          {
            config: { integrationOperation: 'einvoice.printed.push' },
            schema: {
              tags: ['integration'],
              summary: '窗口或自助机报告电子票据已打印纸质票据（此后只能窗口退费）',
              body: InvoicingIntegrationEinvoicesPrintedPostBody,
              response: { 200: IntegrationV1EinvoicesPrintedPostResponse },
            },
          },
          async (req) => markInvoicePrinted(ctx, channelOf(req), req.body),
        );
        scope.withTypeProvider<ZodTypeProvider>().post(
          '/integration/v1/einvoices/search',
          {
            config: { integrationOperation: 'einvoice.query' },
            schema: {
              tags: ['integration'],
              summary: '自助机按就诊卡查询已开具的电子票据（供选择补打）',
              body: InvoicingIntegrationEinvoicesSearchPostBody,
              response: { 200: IntegrationV1EinvoicesSearchPostResponse },
            },
          },
          async (req) => ({ items: await kioskInvoicesOfCard(ctx, req.body.visitCardNo) }),
        );
        scope.withTypeProvider<ZodTypeProvider>().post(
          '/integration/v1/einvoices/pdf',
          {
            config: { integrationOperation: 'einvoice.query' },
            schema: {
              tags: ['integration'],
              summary: '自助机取电子票据 PDF 打印',
              body: InvoicingIntegrationEinvoicesPdfPostBody,
              response: { 200: IntegrationV1EinvoicesPdfPostResponse },
            },
          },
          async (req, reply) => {
            const { pdf, filename } = await kioskInvoicePdf(ctx, req.body);
            return reply
              .header('content-type', 'application/pdf')
              .header('content-disposition', `attachment; filename="${filename}"`)
              .send(pdf);
          },
        );
      }),
    );

    // ------------------------------------------------------------ public verification
    app.get(
      '/v1/einvoices/verify',
      {
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: '电子票据查验（公开）：票据代码、号码与校验码均相符才为真',
          querystring: InvoicingEinvoicesVerifyQuery,
          response: { 200: EinvoicesVerifyListResponse },
        },
      },
      async (req, reply) => {
        const result = await verifyEInvoice(ctx, {
          invoiceCode: req.query.code,
          invoiceNo: req.query.no,
          checkCode: req.query.check,
        });
        // A phone scanning the invoice's QR code opens this address in a browser: answer with a page.
        if (/text\/html/.test(req.headers.accept ?? ''))
          return reply.type('text/html; charset=utf-8').send(verificationPage(req.query, result));
        return result;
      },
    );

    // ------------------------------------------------------------ patient
    app.get(
      '/v1/einvoices',
      {
        schema: {
          tags,
          summary: '就诊人的电子票据（本人或已授权的家人）',
          querystring: InvoicingEinvoicesQuery,
          response: { 200: EinvoicesListResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const items = await listPatientInvoices(ctx, principalOf(req).id, req.query.patientId);
        if (items.length)
          await recordPatientAccess(ctx, req, {
            patient: req.query.patientId,
            recordKind: 'einvoice',
            objectType: 'einvoice',
          });
        return { items };
      },
    );
    app.get(
      '/v1/einvoices/:id',
      {
        schema: {
          tags,
          summary: '电子票据详情及明细',
          params: InvoicingEinvoicesParams,
          response: { 200: EinvoicesGetResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const invoice = await getPatientInvoice(ctx, principalOf(req).id, req.params.id);
        await recordPatientAccess(ctx, req, {
          patient: invoice.patientId,
          recordKind: 'einvoice',
          objectType: 'einvoice',
          objectId: invoice.id,
        });
        return invoice;
      },
    );
    app.get(
      '/v1/einvoices/:id/pdf',
      {
        schema: {
          tags,
          summary: '下载电子票据 PDF',
          params: InvoicingEinvoicesPdfParams,
          response: { 200: EinvoicesPdfListResponse },
        },
        preHandler: patient,
      },
      async (req, reply) => {
        const { pdf, filename, patientId } = await patientInvoicePdf(ctx, principalOf(req).id, req.params.id);
        await recordPatientAccess(ctx, req, {
          patient: patientId,
          recordKind: 'einvoice',
          objectType: 'einvoice_pdf',
          objectId: req.params.id,
        });
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .send(pdf);
      },
    );

    // ------------------------------------------------------------ finance
    app.get(
      '/v1/admin/einvoices',
      {
        schema: {
          tags: ['einvoices (console)'],
          summary: '电子票据列表（按开具状态、蓝字/红字筛选）',
          querystring: InvoicingAdminEinvoicesQuery,
          response: { 200: AdminEinvoicesListResponse },
        },
        preHandler: requireStaff(ctx, 'payments.read'),
      },
      async (req) => {
        const items = await listInvoicesForStaff(ctx, req.query);
        await audit(ctx, req, {
          action: 'einvoices.list',
          objectType: 'einvoice',
          detail: { count: items.length, ...req.query },
        });
        return { items };
      },
    );
    app.post(
      '/v1/admin/einvoices/:id/reissue',
      {
        schema: {
          tags: ['einvoices (console)'],
          summary: '重新开具失败的电子票据（立即尝试一次，失败则继续由任务重试）',
          params: InvoicingAdminEinvoicesReissuePostParams,
          body: InvoicingAdminEinvoicesReissuePostBody,
          response: { 200: AdminEinvoicesReissuePostResponse },
        },
        preHandler: requireStaff(ctx, 'einvoices.manage'),
      },
      async (req) => {
        const view = await reissueEInvoice(ctx, req.params.id);
        await audit(ctx, req, {
          action: 'einvoices.reissue',
          objectType: 'einvoice',
          objectId: req.params.id,
          detail: { state: view.state },
        });
        return view;
      },
    );
  },
};

const escapeHtml = (v: string) =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function verificationPage(
  q: { code: string; no: string },
  r: Awaited<ReturnType<typeof verifyEInvoice>>,
): string {
  const rows = r.genuine
    ? [
        ['查验结果', r.reversed ? '真票（已冲红）' : r.kind === 'red' ? '真票（红字票据）' : '真票'],
        ['票据代码', r.invoiceCode],
        ['票据号码', r.invoiceNo],
        ['收款单位', r.payeeName],
        ['交款人', r.payerName],
        ['金额（元）', formatYuan(r.amountFen)],
        ['开票时间', r.issuedAt],
      ]
    : [
        ['查验结果', '查无此票，请核对票据代码、号码与校验码'],
        ['票据代码', q.code],
        ['票据号码', q.no],
      ];
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>电子票据查验</title></head><body style="font-family:sans-serif;max-width:480px;margin:24px auto;padding:0 16px"><h1 style="font-size:20px">电子票据查验</h1><table style="width:100%;border-collapse:collapse">${rows
    .map(
      ([k, v]) =>
        `<tr><th style="text-align:left;padding:6px;border-bottom:1px solid #eee">${escapeHtml(k)}</th><td style="padding:6px;border-bottom:1px solid #eee">${escapeHtml(String(v))}</td></tr>`,
    )
    .join('')}</table></body></html>`;
}
