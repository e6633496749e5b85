import type { AppConfig } from '../../config.js';
import type { AppContext } from '../../platform/context.js';
import type { ChannelCode } from '../../modules/payments/index.js';
import { SandboxChannel } from './sandbox/index.js';
import { WechatPayChannel, wechatPayConfigFrom } from './wechatpay/index.js';
import { AlipayChannel, alipayConfigFrom } from './alipay/index.js';

export type { ChannelCode };

/** What the payer's client needs to pay: a page to open, JSAPI parameters, or an auto-submitting form. */
export type ChannelPayParams =
  | { kind: 'redirect'; url: string }
  | { kind: 'jsapi'; params: Record<string, string> }
  | { kind: 'form'; html: string };

export interface ChannelPaymentRequest {
  orderNo: string;
  amountFen: number;
  subject: string;
  expiresAt: Date;
  /** our account id: the sandbox cashier checks it; real channels identify the payer themselves */
  accountId: string;
  /** WeChat JSAPI payer openid / Alipay buyer id */
  openid?: string;
  /** wechat: 'jsapi' (needs openid) or 'h5'; alipay: 'wap' or 'jsapi' (needs buyer id) */
  tradeType?: 'jsapi' | 'h5' | 'wap';
  clientIp?: string;
}

/** The channel's view of one trade (query result and parsed payment notification). */
export interface ChannelTrade {
  state: 'paid' | 'unpaid' | 'closed' | 'failed' | 'refunded' | 'not_found';
  orderNo: string;
  channelTradeNo?: string;
  amountFen?: number;
  paidAt?: Date;
}

export interface ChannelRefundRequest {
  orderNo: string;
  channelTradeNo: string | null;
  /** our refund number: a retry sends the same one, and the channel refunds it once */
  refundNo: string;
  amountFen: number;
  totalFen: number;
  reason: string;
}

export interface ChannelRefundResult {
  state: 'succeeded' | 'processing' | 'failed' | 'not_found';
  refundNo: string;
  channelRefundId?: string;
  amountFen?: number;
  detail?: string;
}

/** An incoming notification exactly as received (the signature covers the raw body). */
export interface IncomingNotification {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface VerifiedPaymentNotification extends ChannelTrade {
  notificationId?: string;
}

export interface VerifiedRefundNotification extends ChannelRefundResult {
  notificationId?: string;
  orderNo: string;
}

export interface NotificationReply {
  status: number;
  contentType?: string;
  body?: string;
}

/** A channel said no, or could not be reached. `retryable` errors leave states unchanged for the retry job. */
export class ChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/** A notification that failed verification or parsing. */
export class NotificationRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NotificationRejected';
  }
}

/**
 * One interface for every payment channel (FIN-01). Methods take the app context for the clock,
 * the database (the sandbox keeps its books there) and the log.
 */
export interface PaymentChannel {
  readonly code: ChannelCode;
  createPayment(ctx: AppContext, req: ChannelPaymentRequest): Promise<ChannelPayParams>;
  query(ctx: AppContext, orderNo: string): Promise<ChannelTrade>;
  /** 'paid' when the channel refuses to close because the trade was paid meanwhile */
  close(ctx: AppContext, orderNo: string): Promise<'closed' | 'paid'>;
  refund(ctx: AppContext, req: ChannelRefundRequest): Promise<ChannelRefundResult>;
  queryRefund(ctx: AppContext, refundNo: string, orderNo: string): Promise<ChannelRefundResult>;
  /** verifies the signature (throws NotificationRejected) and returns the trade it reports */
  verifyNotification(ctx: AppContext, n: IncomingNotification): Promise<VerifiedPaymentNotification>;
  parseRefundNotification?(ctx: AppContext, n: IncomingNotification): Promise<VerifiedRefundNotification>;
  /** the answer the channel expects: success stops its retries, failure makes it retry */
  reply(ok: boolean, message?: string): NotificationReply;
  /** the channel's trade bill for one day (YYYY-MM-DD), as text */
  downloadBill?(ctx: AppContext, billDate: string): Promise<string>;
}

export interface PaymentAdapters {
  paymentChannels: Partial<Record<ChannelCode, PaymentChannel>>;
}

/** PAYMENT_CHANNELS is a comma list (sandbox,wechat,alipay); each real channel needs its merchant settings. */
export function buildPaymentAdapters(config: AppConfig): PaymentAdapters {
  const paymentChannels: Partial<Record<ChannelCode, PaymentChannel>> = {};
  const codes = config.PAYMENT_CHANNELS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const code of codes) {
    switch (code) {
      case 'sandbox':
        paymentChannels.sandbox = new SandboxChannel(config);
        break;
      case 'wechat':
        paymentChannels.wechat = new WechatPayChannel(wechatPayConfigFrom(config));
        break;
      case 'alipay':
        paymentChannels.alipay = new AlipayChannel(alipayConfigFrom(config));
        break;
      default:
        throw new Error(`PAYMENT_CHANNELS: unknown channel ${code}`);
    }
  }
  return { paymentChannels };
}

/** PEM text from the environment may carry literal "\n" escapes. */
export function pemFromEnv(v: string): string {
  return v.includes('\\n') ? v.replace(/\\n/g, '\n') : v;
}
