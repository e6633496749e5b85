import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as rsaSign,
  verify as rsaVerify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import type { AppConfig } from '../../../config.js';
import type { AppContext } from '../../../platform/context.js';
import { dayjs } from '../../../platform/clock.js';
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
  type VerifiedRefundNotification,
} from '../index.js';

/** Responses and notifications older or newer than this are refused (replay protection). */
const MAX_SKEW_SECONDS = 300;
const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

export interface WechatPayConfig {
  baseUrl: string;
  mchid: string;
  appid: string;
  /** serial number of the merchant API certificate */
  serialNo: string;
  privateKey: KeyObject;
  apiV3Key: string;
  /**
   * Keys that sign WeChat Pay's responses and notifications, by the serial in Wechatpay-Serial:
   * platform certificates by their serial number, or the WeChat Pay public key by its id
   * (PUB_KEY_ID_...). Both may be present while a merchant migrates from one to the other.
   */
  verifiers: Map<string, KeyObject>;
  notifyUrl: string;
  refundNotifyUrl: string;
  timezone: string;
}

export function wechatPayConfigFrom(c: AppConfig): WechatPayConfig {
  const missing = (
    [
      'WECHATPAY_MCHID',
      'WECHATPAY_APPID',
      'WECHATPAY_SERIAL_NO',
      'WECHATPAY_PRIVATE_KEY',
      'WECHATPAY_APIV3_KEY',
    ] as const
  ).filter((k) => !c[k]);
  if (missing.length) throw new Error(`PAYMENT_CHANNELS has wechat but ${missing.join(', ')} missing`);
  const verifiers = new Map<string, KeyObject>();
  if (c.WECHATPAY_PLATFORM_CERTS) {
    const pems = pemFromEnv(c.WECHATPAY_PLATFORM_CERTS).match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    );
    for (const pem of pems ?? []) {
      const cert = new X509Certificate(pem);
      verifiers.set(cert.serialNumber.toUpperCase(), cert.publicKey);
    }
  }
  if (c.WECHATPAY_PUBLIC_KEY && c.WECHATPAY_PUBLIC_KEY_ID)
    verifiers.set(c.WECHATPAY_PUBLIC_KEY_ID, createPublicKey(pemFromEnv(c.WECHATPAY_PUBLIC_KEY)));
  if (verifiers.size === 0)
    throw new Error(
      'wechat needs WECHATPAY_PLATFORM_CERTS or WECHATPAY_PUBLIC_KEY with WECHATPAY_PUBLIC_KEY_ID',
    );
  return {
    baseUrl: c.WECHATPAY_BASE_URL.replace(/\/+$/, ''),
    mchid: c.WECHATPAY_MCHID!,
    appid: c.WECHATPAY_APPID!,
    serialNo: c.WECHATPAY_SERIAL_NO!,
    privateKey: createPrivateKey(pemFromEnv(c.WECHATPAY_PRIVATE_KEY!)),
    apiV3Key: c.WECHATPAY_APIV3_KEY!,
    verifiers,
    notifyUrl: c.WECHATPAY_NOTIFY_URL ?? `${c.PUBLIC_BASE_URL}/api/v1/payments/notify/wechat`,
    refundNotifyUrl:
      c.WECHATPAY_REFUND_NOTIFY_URL ?? `${c.PUBLIC_BASE_URL}/api/v1/payments/notify/wechat/refund`,
    timezone: c.HOSPITAL_TIMEZONE,
  };
}

interface WechatTransaction {
  out_trade_no: string;
  transaction_id?: string;
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
  success_time?: string;
  mchid?: string;
  amount?: { total: number; payer_total?: number };
}

interface WechatRefund {
  refund_id: string;
  out_refund_no: string;
  out_trade_no?: string;
  status?: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
  refund_status?: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
  amount?: { refund: number; total?: number };
}

interface WechatNotificationEnvelope {
  id: string;
  event_type: string;
  resource_type: string;
  resource: {
    algorithm: string;
    ciphertext: string;
    nonce: string;
    associated_data?: string;
    original_type?: string;
  };
}

/**
 * WeChat Pay API v3 (direct merchant): JSAPI and H5 prepay, query, close, refund, refund
 * notifications and the trade bill. Every request carries the v3 Authorization signature; every
 * response and notification is verified with WeChat Pay's key before it is believed.
 */
export class WechatPayChannel implements PaymentChannel {
  readonly code = 'wechat' as const;

  constructor(private readonly cfg: WechatPayConfig) {}

  async createPayment(ctx: AppContext, req: ChannelPaymentRequest): Promise<ChannelPayParams> {
    const tradeType = req.tradeType ?? (req.openid ? 'jsapi' : 'h5');
    const common = {
      appid: this.cfg.appid,
      mchid: this.cfg.mchid,
      description: truncateUtf8(req.subject, 127),
      out_trade_no: req.orderNo,
      time_expire: dayjs(req.expiresAt).tz(this.cfg.timezone).format('YYYY-MM-DDTHH:mm:ssZ'),
      notify_url: this.cfg.notifyUrl,
      amount: { total: req.amountFen, currency: 'CNY' },
    };
    if (tradeType === 'jsapi') {
      if (!req.openid) throw new ChannelError('PARAM_ERROR', 'JSAPI payment needs the payer openid');
      const res = await this.request<{ prepay_id: string }>(ctx, 'POST', '/v3/pay/transactions/jsapi', {
        ...common,
        payer: { openid: req.openid },
      });
      return { kind: 'jsapi', params: this.jsapiParams(ctx, res.prepay_id) };
    }
    if (tradeType !== 'h5') throw new ChannelError('PARAM_ERROR', `unsupported trade type ${tradeType}`);
    const res = await this.request<{ h5_url: string }>(ctx, 'POST', '/v3/pay/transactions/h5', {
      ...common,
      scene_info: { payer_client_ip: req.clientIp ?? '127.0.0.1', h5_info: { type: 'Wap' } },
    });
    return { kind: 'redirect', url: res.h5_url };
  }

  /** The parameters for WeixinJSBridge.invoke('getBrandWCPayRequest'), signed with the merchant key. */
  jsapiParams(ctx: AppContext, prepayId: string): Record<string, string> {
    const timeStamp = String(Math.floor(ctx.clock.now().getTime() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const pkg = `prepay_id=${prepayId}`;
    const paySign = this.sign(`${this.cfg.appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { appId: this.cfg.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  async query(ctx: AppContext, orderNo: string): Promise<ChannelTrade> {
    try {
      const t = await this.request<WechatTransaction>(
        ctx,
        'GET',
        `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderNo)}?mchid=${encodeURIComponent(this.cfg.mchid)}`,
      );
      return tradeOf(t);
    } catch (err) {
      if (err instanceof ChannelError && err.code === 'ORDER_NOT_EXIST')
        return { state: 'not_found', orderNo };
      throw err;
    }
  }

  async close(ctx: AppContext, orderNo: string): Promise<'closed' | 'paid'> {
    try {
      await this.request(
        ctx,
        'POST',
        `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderNo)}/close`,
        {
          mchid: this.cfg.mchid,
        },
      );
      return 'closed';
    } catch (err) {
      if (err instanceof ChannelError && err.code === 'ORDERPAID') return 'paid';
      if (err instanceof ChannelError && err.code === 'ORDER_NOT_EXIST') return 'closed';
      throw err;
    }
  }

  async refund(ctx: AppContext, req: ChannelRefundRequest): Promise<ChannelRefundResult> {
    const r = await this.request<WechatRefund>(ctx, 'POST', '/v3/refund/domestic/refunds', {
      ...(req.channelTradeNo ? { transaction_id: req.channelTradeNo } : { out_trade_no: req.orderNo }),
      out_refund_no: req.refundNo,
      reason: truncateUtf8(req.reason, 80),
      notify_url: this.cfg.refundNotifyUrl,
      amount: { refund: req.amountFen, total: req.totalFen, currency: 'CNY' },
    });
    return refundResultOf(r, req.refundNo);
  }

  async queryRefund(ctx: AppContext, refundNo: string): Promise<ChannelRefundResult> {
    try {
      const r = await this.request<WechatRefund>(
        ctx,
        'GET',
        `/v3/refund/domestic/refunds/${encodeURIComponent(refundNo)}`,
      );
      return refundResultOf(r, refundNo);
    } catch (err) {
      if (err instanceof ChannelError && err.code === 'RESOURCE_NOT_EXISTS')
        return { state: 'not_found', refundNo };
      throw err;
    }
  }

  async verifyNotification(ctx: AppContext, n: IncomingNotification): Promise<VerifiedPaymentNotification> {
    const { envelope, resource } = this.openNotification<WechatTransaction>(ctx, n);
    if (!envelope.event_type.startsWith('TRANSACTION.')) throw new NotificationRejected('UNEXPECTED_EVENT');
    if (resource.mchid && resource.mchid !== this.cfg.mchid) throw new NotificationRejected('MCHID_MISMATCH');
    return { ...tradeOf(resource), notificationId: envelope.id };
  }

  async parseRefundNotification(
    ctx: AppContext,
    n: IncomingNotification,
  ): Promise<VerifiedRefundNotification> {
    const { envelope, resource } = this.openNotification<WechatRefund & { out_trade_no: string }>(ctx, n);
    if (!envelope.event_type.startsWith('REFUND.')) throw new NotificationRejected('UNEXPECTED_EVENT');
    return {
      ...refundResultOf(resource, resource.out_refund_no),
      orderNo: resource.out_trade_no,
      notificationId: envelope.id,
    };
  }

  reply(ok: boolean, message?: string): NotificationReply {
    // v3: 200/204 without a body acknowledges; a 4xx/5xx with code FAIL makes WeChat Pay retry.
    return ok
      ? { status: 204 }
      : {
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'FAIL', message: message ?? '失败' }),
        };
  }

  /** The trade bill of one day: asks for the download address, fetches the file, checks its SHA1. */
  async downloadBill(ctx: AppContext, billDate: string): Promise<string> {
    const info = await this.request<{ hash_type: string; hash_value: string; download_url: string }>(
      ctx,
      'GET',
      `/v3/bill/tradebill?bill_date=${encodeURIComponent(billDate)}&bill_type=ALL`,
    );
    const url = new URL(info.download_url);
    // The file itself is not signed by WeChat Pay; its hash from the signed answer vouches for it.
    const file = await this.send(ctx, 'GET', url.toString(), `${url.pathname}${url.search}`);
    if (file.status !== 200) throw new ChannelError('BILL_DOWNLOAD_FAILED', `HTTP ${file.status}`, true);
    const algorithm = info.hash_type.toLowerCase() === 'sha1' ? 'sha1' : info.hash_type.toLowerCase();
    const digest = createHash(algorithm).update(file.body).digest('hex');
    if (digest !== info.hash_value.toLowerCase())
      throw new ChannelError('BILL_HASH_MISMATCH', 'bill hash mismatch');
    return file.body.toString('utf8');
  }

  // ------------------------------------------------------------------------------------------

  /** One signed API call; the answer's signature is verified before its body is used. */
  private async request<T>(
    ctx: AppContext,
    method: 'GET' | 'POST',
    pathWithQuery: string,
    body?: object,
  ): Promise<T> {
    const bodyText = body === undefined ? '' : JSON.stringify(body);
    const res = await this.send(ctx, method, `${this.cfg.baseUrl}${pathWithQuery}`, pathWithQuery, bodyText);
    const text = res.body.toString('utf8');
    if (res.status >= 200 && res.status < 300) {
      this.verifySigned(
        ctx,
        res.headers,
        text,
        (reason) => new ChannelError('RESPONSE_SIGNATURE_INVALID', reason, true),
      );
      return (text ? JSON.parse(text) : {}) as T;
    }
    let code = `HTTP_${res.status}`;
    let message = text.slice(0, 200);
    try {
      const e = JSON.parse(text) as { code?: string; message?: string };
      code = e.code ?? code;
      message = e.message ?? message;
    } catch {
      // not JSON: keep the status
    }
    const retryable =
      res.status >= 500 || ['SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'NOT_ENOUGH', 'BANK_ERROR'].includes(code);
    throw new ChannelError(code, message, retryable);
  }

  private async send(
    ctx: AppContext,
    method: 'GET' | 'POST',
    url: string,
    canonicalUrl: string,
    bodyText = '',
  ): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const timestamp = String(Math.floor(ctx.clock.now().getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = this.sign(`${method}\n${canonicalUrl}\n${timestamp}\n${nonce}\n${bodyText}\n`);
    const authorization =
      `${AUTH_SCHEMA} mchid="${this.cfg.mchid}",nonce_str="${nonce}",signature="${signature}",` +
      `timestamp="${timestamp}",serial_no="${this.cfg.serialNo}"`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          'User-Agent': 'qingnang-wechatpay/1',
          ...(bodyText ? { 'Content-Type': 'application/json' } : {}),
        },
        body: bodyText || undefined,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new ChannelError('NETWORK', `WeChat Pay unreachable: ${(err as Error).message}`, true);
    }
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  /** Wechatpay-Signature over "timestamp\nnonce\nbody\n", with the key named by Wechatpay-Serial. */
  private verifySigned(
    ctx: AppContext,
    headers: Headers | IncomingNotification['headers'],
    body: string,
    fail: (reason: string) => Error,
  ) {
    const get = (name: string) => {
      if (headers instanceof Headers) return headers.get(name) ?? undefined;
      const v = headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    const timestamp = get('Wechatpay-Timestamp');
    const nonce = get('Wechatpay-Nonce');
    const signature = get('Wechatpay-Signature');
    const serial = get('Wechatpay-Serial');
    if (!timestamp || !nonce || !signature || !serial) throw fail('SIGNATURE_MISSING');
    const key = this.cfg.verifiers.get(serial) ?? this.cfg.verifiers.get(serial.toUpperCase());
    if (!key) throw fail('UNKNOWN_SERIAL');
    if (Math.abs(ctx.clock.now().getTime() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS)
      throw fail('TIMESTAMP_SKEW');
    const ok = rsaVerify(
      'RSA-SHA256',
      Buffer.from(`${timestamp}\n${nonce}\n${body}\n`),
      key,
      Buffer.from(signature, 'base64'),
    );
    if (!ok) throw fail('SIGNATURE_INVALID');
  }

  /** Verifies a notification's signature and decrypts its AEAD_AES_256_GCM resource with the APIv3 key. */
  private openNotification<R>(
    ctx: AppContext,
    n: IncomingNotification,
  ): { envelope: WechatNotificationEnvelope; resource: R } {
    this.verifySigned(ctx, n.headers, n.rawBody, (reason) => new NotificationRejected(reason));
    let envelope: WechatNotificationEnvelope;
    try {
      envelope = JSON.parse(n.rawBody) as WechatNotificationEnvelope;
    } catch {
      throw new NotificationRejected('MALFORMED_BODY');
    }
    const r = envelope.resource;
    if (!r || r.algorithm !== 'AEAD_AES_256_GCM') throw new NotificationRejected('UNSUPPORTED_ALGORITHM');
    try {
      const data = Buffer.from(r.ciphertext, 'base64');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        Buffer.from(this.cfg.apiV3Key, 'utf8'),
        Buffer.from(r.nonce, 'utf8'),
      );
      decipher.setAuthTag(data.subarray(data.length - 16));
      decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
      const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
      return { envelope, resource: JSON.parse(plain.toString('utf8')) as R };
    } catch {
      throw new NotificationRejected('DECRYPTION_FAILED');
    }
  }

  private sign(message: string): string {
    return rsaSign('RSA-SHA256', Buffer.from(message), this.cfg.privateKey).toString('base64');
  }
}

function tradeOf(t: WechatTransaction): ChannelTrade {
  const state: ChannelTrade['state'] =
    t.trade_state === 'SUCCESS'
      ? 'paid'
      : t.trade_state === 'REFUND'
        ? 'refunded'
        : t.trade_state === 'CLOSED' || t.trade_state === 'REVOKED'
          ? 'closed'
          : t.trade_state === 'PAYERROR'
            ? 'failed'
            : 'unpaid';
  return {
    state,
    orderNo: t.out_trade_no,
    channelTradeNo: t.transaction_id,
    amountFen: t.amount?.total,
    paidAt: validDate(t.success_time ? new Date(t.success_time) : undefined),
  };
}

/** A time the channel sent that does not parse is treated as missing. */
function validDate(d: Date | undefined): Date | undefined {
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

function refundResultOf(r: WechatRefund, refundNo: string): ChannelRefundResult {
  const status = r.status ?? r.refund_status;
  return {
    state: status === 'SUCCESS' ? 'succeeded' : status === 'PROCESSING' ? 'processing' : 'failed',
    refundNo: r.out_refund_no ?? refundNo,
    channelRefundId: r.refund_id,
    amountFen: r.amount?.refund,
    detail: status,
  };
}

/** WeChat Pay limits some fields in bytes (UTF-8), not characters. */
function truncateUtf8(s: string, maxBytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch, 'utf8') > maxBytes) break;
    out += ch;
  }
  return out;
}
