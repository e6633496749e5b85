import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import { notFound } from '../../platform/errors.js';
import type { NotificationReply } from '../../integrations/payments/index.js';
import { SandboxChannel } from '../../integrations/payments/sandbox/index.js';
import type { Module } from '../index.js';
import {
  getOwnOrderByNo,
  getOwnPaymentOrder,
  handlePaymentNotification,
  handleRefundNotification,
  startPayment,
} from './service.js';
import { registerFinanceRoutes } from './finance.js';
import { registerMyPaymentRoutes } from './mine.js';
import {
  PaymentsNotifyChannelParams,
  PaymentsOrderIdParams,
  PaymentsOrderNoParams,
  PaymentsOrdersGetResponse,
  PaymentsOrdersPayBody,
  PaymentsOrdersPayPostResponse,
  PaymentsSandboxCompleteBody,
  PaymentsSandboxCompletePostResponse,
  PaymentsSandboxGetResponse,
} from '@qingnang/contracts';

/** The payments module's routes (patient orders, channel notifications, sandbox); module.ts registers them. */
export const paymentsRoutes: Pick<Module, 'register'> = {
  async register(app: FastifyInstance, ctx: AppContext) {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['payments'];

    registerMyPaymentRoutes(app, ctx);

    r.get(
      '/v1/payments/orders/:orderId',
      {
        schema: { tags, params: PaymentsOrderIdParams, response: { 200: PaymentsOrdersGetResponse } },
        preHandler: requirePatient(ctx),
      },
      async (req) => getOwnPaymentOrder(ctx, principalOf(req).id, req.params.orderId),
    );

    r.post(
      '/v1/payments/orders/:orderId/pay',
      {
        schema: {
          tags,
          params: PaymentsOrderIdParams,
          body: PaymentsOrdersPayBody,
          response: { 200: PaymentsOrdersPayPostResponse },
        },
        preHandler: requirePatient(ctx),
      },
      async (req) =>
        startPayment(ctx, principalOf(req).id, req.params.orderId, { ...req.body, clientIp: req.ip }),
    );

    // The sandbox channel's cashier (the H5 page /cashier/:orderNo calls these).
    r.get(
      '/v1/payments/sandbox/:orderNo',
      {
        schema: { tags, params: PaymentsOrderNoParams, response: { 200: PaymentsSandboxGetResponse } },
        preHandler: requirePatient(ctx),
      },
      async (req) => {
        const order = await getOwnOrderByNo(ctx, principalOf(req).id, req.params.orderNo);
        const tx = await sandbox(ctx).cashierView(ctx, order.orderNo);
        if (!tx) throw notFound('sandbox trade', '模拟支付交易');
        return {
          orderNo: tx.outTradeNo,
          orderId: order.id,
          subject: tx.subject,
          amountFen: tx.amountFen,
          state: tx.state,
          // the platform's own state: a refunded order stays SUCCESS at the channel
          orderState: order.state,
          expiresAt: tx.expiresAt,
        };
      },
    );

    r.post(
      '/v1/payments/sandbox/:orderNo/complete',
      {
        schema: {
          tags,
          params: PaymentsOrderNoParams,
          body: PaymentsSandboxCompleteBody,
          response: { 200: PaymentsSandboxCompletePostResponse },
        },
        preHandler: requirePatient(ctx),
      },
      async (req) => {
        const order = await getOwnOrderByNo(ctx, principalOf(req).id, req.params.orderNo);
        const s = sandbox(ctx);
        if (!(await s.cashierView(ctx, order.orderNo))) throw notFound('sandbox trade', '模拟支付交易');
        const result = await s.completeCashier(ctx, order.orderNo, req.body.outcome);
        return { orderNo: order.orderNo, orderId: order.id, state: result.state };
      },
    );

    // Channel notifications: the signature covers the exact bytes, so these routes read the raw body.
    await app.register(async (notify) => {
      notify.removeAllContentTypeParsers();
      notify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      const nr = notify.withTypeProvider<ZodTypeProvider>();
      nr.post(
        '/v1/payments/notify/:channel',
        { schema: { tags, params: PaymentsNotifyChannelParams, hide: true } },
        async (req, reply) =>
          send(reply, await handlePaymentNotification(ctx, req.params.channel, incoming(req))),
      );
      nr.post(
        '/v1/payments/notify/:channel/refund',
        { schema: { tags, params: PaymentsNotifyChannelParams, hide: true } },
        async (req, reply) =>
          send(reply, await handleRefundNotification(ctx, req.params.channel, incoming(req))),
      );
    });

    await registerFinanceRoutes(app, ctx);
  },
};

function sandbox(ctx: AppContext): SandboxChannel {
  const s = ctx.adapters.paymentChannels.sandbox;
  if (!(s instanceof SandboxChannel)) throw notFound('sandbox channel', '模拟支付渠道');
  return s;
}

function incoming(req: FastifyRequest) {
  return { headers: req.headers, rawBody: typeof req.body === 'string' ? req.body : '' };
}

function send(reply: FastifyReply, r: NotificationReply) {
  reply.status(r.status);
  if (r.contentType) reply.type(r.contentType);
  return reply.send(r.body ?? '');
}
