import { AlipaySdk } from 'alipay-sdk';
import type { AppConfig } from '../../../config.js';
import type { AppContext } from '../../../platform/context.js';
import { dayjs } from '../../../platform/clock.js';
import { formatYuan } from '../../../platform/money.js';
import {
  ChannelError,
  NotificationRejected,
  pemFromEnv,
  type ChannelPayParams,
  type ChannelPaymentRequest,
  type ChannelRefundRequest,
  type ChannelRefundResult,
  type ChannelTrade,
  type IncomingNotification,
  type NotificationReply,
  type PaymentChannel,
  type VerifiedPaymentNotification,
} from '../index.js';

export interface AlipayConfig {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  gateway: string;
  notifyUrl: string;
  returnUrl?: string;
  timezone: string;
}

export function alipayConfigFrom(c: AppConfig): AlipayConfig {
  const missing = (['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY'] as const).filter(
    (k) => !c[k],
  );
  if (missing.length) throw new Error(`PAYMENT_CHANNELS has alipay but ${missing.join(', ')} missing`);
  return {
    appId: c.ALIPAY_APP_ID!,
    privateKey: pemFromEnv(c.ALIPAY_PRIVATE_KEY!),
    alipayPublicKey: pemFromEnv(c.ALIPAY_PUBLIC_KEY!),
    gateway: c.ALIPAY_GATEWAY,
    notifyUrl: c.ALIPAY_NOTIFY_URL ?? `${c.PUBLIC_BASE_URL}/api/v1/payments/notify/alipay`,
    returnUrl: c.ALIPAY_RETURN_URL,
    timezone: c.HOSPITAL_TIMEZONE,
  };
}

interface AlipayResult {
  code: string;
  msg?: string;
  subCode?: string;
  subMsg?: string;
  [k: string]: unknown;
}

const SUCCESS = '10000';
/** Alipay answers these when it could not decide; the same request may be sent again. */
const RETRYABLE = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR', 'isp.unknow-error']);

/**
 * Alipay through alipay-sdk (RSA2): wap pay (a signed page URL), JSAPI (alipay.trade.create),
 * query, close, refund with out_request_no = our refund number, and notification verification.
 * Every gateway answer is checked against the Alipay public key (validateSign).
 */
export class AlipayChannel implements PaymentChannel {
  readonly code = 'alipay' as const;
  private readonly sdk: AlipaySdk;

  constructor(private readonly cfg: AlipayConfig) {
    this.sdk = new AlipaySdk({
      appId: cfg.appId,
      privateKey: cfg.privateKey,
      alipayPublicKey: cfg.alipayPublicKey,
      gateway: cfg.gateway,
      signType: 'RSA2',
      keyType: cfg.privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
      camelcase: true,
      timeout: 10_000,
    });
  }

  async createPayment(_ctx: AppContext, req: ChannelPaymentRequest): Promise<ChannelPayParams> {
    const common = {
      out_trade_no: req.orderNo,
      total_amount: formatYuan(req.amountFen),
      subject: req.subject.slice(0, 128),
      time_expire: dayjs(req.expiresAt).tz(this.cfg.timezone).format('YYYY-MM-DD HH:mm:ss'),
    };
    if (req.tradeType === 'jsapi') {
      if (!req.openid) throw new ChannelError('PARAM_ERROR', 'JSAPI payment needs the buyer id');
      const buyer = /^2088\d{12}$/.test(req.openid)
        ? { buyer_id: req.openid }
        : { buyer_open_id: req.openid };
      const r = await this.exec('alipay.trade.create', {
        bizContent: { ...common, product_code: 'JSAPI_PAY', ...buyer },
        notifyUrl: this.cfg.notifyUrl,
      });
      return { kind: 'jsapi', params: { tradeNO: String(r.tradeNo) } };
    }
    const url = this.sdk.pageExecute('alipay.trade.wap.pay', 'GET', {
      bizContent: { ...common, product_code: 'QUICK_WAP_WAY' },
      notifyUrl: this.cfg.notifyUrl,
      ...(this.cfg.returnUrl ? { returnUrl: this.cfg.returnUrl } : {}),
    });
    return { kind: 'redirect', url };
  }

  async query(_ctx: AppContext, orderNo: string): Promise<ChannelTrade> {
    const r = await this.exec('alipay.trade.query', { bizContent: { out_trade_no: orderNo } }, [
      'ACQ.TRADE_NOT_EXIST',
    ]);
    if (r.code !== SUCCESS) return { state: 'not_found', orderNo };
    const status = String(r.tradeStatus);
    return {
      state:
        status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED'
          ? 'paid'
          : status === 'TRADE_CLOSED'
            ? 'closed'
            : 'unpaid',
      orderNo,
      channelTradeNo: r.tradeNo ? String(r.tradeNo) : undefined,
      amountFen: r.totalAmount ? yuanToFen(String(r.totalAmount)) : undefined,
      paidAt: r.sendPayDate ? dayjs.tz(String(r.sendPayDate), this.cfg.timezone).toDate() : undefined,
    };
  }

  async close(ctx: AppContext, orderNo: string): Promise<'closed' | 'paid'> {
    const r = await this.exec('alipay.trade.close', { bizContent: { out_trade_no: orderNo } }, [
      'ACQ.TRADE_NOT_EXIST',
      'ACQ.TRADE_STATUS_ERROR',
    ]);
    if (r.code === SUCCESS || r.subCode === 'ACQ.TRADE_NOT_EXIST') return 'closed';
    // ACQ.TRADE_STATUS_ERROR: already paid or already closed; the query tells which.
    const t = await this.query(ctx, orderNo);
    return t.state === 'paid' ? 'paid' : 'closed';
  }

  async refund(_ctx: AppContext, req: ChannelRefundRequest): Promise<ChannelRefundResult> {
    // out_request_no makes the refund idempotent at Alipay: a retry with it refunds once.
    const r = await this.exec('alipay.trade.refund', {
      bizContent: {
        out_trade_no: req.orderNo,
        refund_amount: formatYuan(req.amountFen),
        out_request_no: req.refundNo,
        refund_reason: req.reason.slice(0, 256),
      },
    });
    return {
      state: 'succeeded',
      refundNo: req.refundNo,
      channelRefundId: r.tradeNo ? String(r.tradeNo) : undefined,
      amountFen: req.amountFen,
    };
  }

  async queryRefund(_ctx: AppContext, refundNo: string, orderNo: string): Promise<ChannelRefundResult> {
    const r = await this.exec(
      'alipay.trade.fastpay.refund.query',
      { bizContent: { out_trade_no: orderNo, out_request_no: refundNo } },
      ['ACQ.TRADE_NOT_EXIST'],
    );
    if (r.code !== SUCCESS || !r.refundAmount) return { state: 'not_found', refundNo };
    const done = r.refundStatus === undefined || r.refundStatus === 'REFUND_SUCCESS';
    return {
      state: done ? 'succeeded' : 'processing',
      refundNo,
      amountFen: yuanToFen(String(r.refundAmount)),
    };
  }

  async verifyNotification(_ctx: AppContext, n: IncomingNotification): Promise<VerifiedPaymentNotification> {
    const params = Object.fromEntries(new URLSearchParams(n.rawBody));
    if (!params.sign) throw new NotificationRejected('SIGNATURE_MISSING');
    let ok = false;
    try {
      // values are already URL-decoded: verify them as they are (V2 does not decode a second time)
      ok = this.sdk.checkNotifySignV2(params);
    } catch {
      ok = false;
    }
    if (!ok) throw new NotificationRejected('SIGNATURE_INVALID');
    if (params.app_id !== this.cfg.appId) throw new NotificationRejected('APP_ID_MISMATCH');
    // Signed by Alipay: a missing or unreadable field is for the platform to judge, not a forgery.
    const paid = params.trade_status === 'TRADE_SUCCESS' || params.trade_status === 'TRADE_FINISHED';
    return {
      notificationId: params.notify_id,
      state: paid ? 'paid' : params.trade_status === 'TRADE_CLOSED' ? 'closed' : 'unpaid',
      orderNo: params.out_trade_no ?? '',
      channelTradeNo: params.trade_no || undefined,
      amountFen: amountOrUndefined(params.total_amount),
      paidAt: this.localTime(params.gmt_payment),
    };
  }

  /** Alipay's "yyyy-MM-dd HH:mm:ss" in the hospital's zone; anything else is treated as missing. */
  private localTime(v: string | undefined): Date | undefined {
    if (!v || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(v)) return undefined;
    const d = dayjs.tz(v, this.cfg.timezone);
    return d.isValid() ? d.toDate() : undefined;
  }

  reply(ok: boolean): NotificationReply {
    // Alipay stops retrying only on the plain text "success".
    return { status: 200, contentType: 'text/plain', body: ok ? 'success' : 'failure' };
  }

  private async exec(
    method: string,
    params: Record<string, unknown>,
    tolerated: string[] = [],
  ): Promise<AlipayResult> {
    let r: AlipayResult;
    try {
      r = (await this.sdk.exec(method, params, { validateSign: true })) as AlipayResult;
    } catch (err) {
      throw new ChannelError('GATEWAY_ERROR', `Alipay ${method}: ${(err as Error).message}`, true);
    }
    if (r.code === SUCCESS || (r.subCode && tolerated.includes(r.subCode))) return r;
    const code = r.subCode ?? r.code;
    throw new ChannelError(
      code,
      `${r.msg ?? ''} ${r.subMsg ?? ''}`.trim(),
      RETRYABLE.has(code) || r.code === '20000',
    );
  }
}

function amountOrUndefined(yuan: string | undefined): number | undefined {
  if (!yuan) return undefined;
  try {
    return yuanToFen(yuan);
  } catch {
    return undefined;
  }
}

/** "50.00" → 5000, without floating point. */
export function yuanToFen(yuan: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) throw new NotificationRejected('AMOUNT_INVALID');
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
