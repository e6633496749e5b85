import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCipheriv, createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * A local stand-in for the WeChat Pay API v3 server, for tests only. It checks every request's
 * Authorization signature exactly as v3 defines it (with the merchant's public key), keeps trades
 * and refunds like the real service, signs its answers with the platform key, and sends
 * AEAD_AES_256_GCM-encrypted, signed notifications.
 */
export class FakeWechatPay {
  url = '';
  readonly requests: { method: string; url: string; body: string; authOk: boolean; reason?: string }[] = [];
  readonly trades = new Map<string, Record<string, any>>();
  readonly refunds = new Map<string, Record<string, any>>();
  /** faults */
  breakResponseSignature = false;
  billHashOverride?: string;
  readonly bill =
    '交易时间,公众账号ID,商户号,微信订单号,商户订单号,交易状态,订单金额\n`2026-11-22 10:00:00,`wxapp,`1900000001,`4200001,`P1,`SUCCESS,`50.00\n';
  private server?: Server;

  constructor(
    private readonly opts: {
      mchid: string;
      merchantSerial: string;
      merchantPublicKey: KeyObject;
      signingKey: KeyObject;
      signingSerial: string;
      apiV3Key: string;
      now: () => Date;
    },
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The payer pays in WeChat: the trade becomes SUCCESS. */
  pay(outTradeNo: string) {
    const t = this.trades.get(outTradeNo)!;
    t.trade_state = 'SUCCESS';
    t.transaction_id = `42000${randomBytes(8).toString('hex')}`;
    t.success_time = this.opts
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, '+00:00');
    return t;
  }

  /** Builds a signed, encrypted notification (optionally with another key or serial, to test refusals). */
  notification(
    eventType: string,
    resource: object,
    opts: { signWith?: KeyObject; serial?: string; apiV3Key?: string } = {},
  ): { headers: Record<string, string>; rawBody: string } {
    const nonce = randomBytes(6).toString('hex');
    const aad = eventType.startsWith('REFUND') ? 'refund' : 'transaction';
    const cipher = createCipheriv(
      'aes-256-gcm',
      Buffer.from(opts.apiV3Key ?? this.opts.apiV3Key, 'utf8'),
      Buffer.from(nonce, 'utf8'),
    );
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const enc = Buffer.concat([
      cipher.update(JSON.stringify(resource), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const rawBody = JSON.stringify({
      id: randomBytes(8).toString('hex'),
      create_time: this.opts.now().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: '支付成功',
      resource: {
        original_type: aad,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: enc.toString('base64'),
        associated_data: aad,
        nonce,
      },
    });
    return {
      rawBody,
      headers: { 'content-type': 'application/json', ...this.signatureHeaders(rawBody, opts) },
    };
  }

  /** Posts a notification to the platform's notify URL, as WeChat Pay does. */
  async deliver(url: string, n: { headers: Record<string, string>; rawBody: string }) {
    const res = await fetch(url, { method: 'POST', headers: n.headers, body: n.rawBody });
    return { status: res.status, body: await res.text() };
  }

  private signatureHeaders(body: string, opts: { signWith?: KeyObject; serial?: string } = {}) {
    const timestamp = String(Math.floor(this.opts.now().getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = sign(
      'RSA-SHA256',
      Buffer.from(`${timestamp}\n${nonce}\n${body}\n`),
      opts.signWith ?? this.opts.signingKey,
    ).toString('base64');
    return {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': this.breakResponseSignature
        ? signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
        : signature,
      'wechatpay-serial': opts.serial ?? this.opts.signingSerial,
    };
  }

  /** v3 request authentication: schema, mchid, serial, clock skew, then the RSA signature itself. */
  private checkAuthorization(req: IncomingMessage, body: string): string | undefined {
    const header = req.headers.authorization ?? '';
    const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header);
    if (!m) return 'schema';
    const fields: Record<string, string> = {};
    for (const part of m[1].matchAll(/(\w+)="([^"]*)"/g)) fields[part[1]] = part[2];
    if (fields.mchid !== this.opts.mchid) return 'mchid';
    if (fields.serial_no !== this.opts.merchantSerial) return 'serial_no';
    if (!fields.nonce_str) return 'nonce_str';
    if (Math.abs(this.opts.now().getTime() / 1000 - Number(fields.timestamp)) > 300) return 'timestamp';
    const message = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
    const ok = verify(
      'RSA-SHA256',
      Buffer.from(message),
      this.opts.merchantPublicKey,
      Buffer.from(fields.signature ?? '', 'base64'),
    );
    return ok ? undefined : 'signature';
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const reason = this.checkAuthorization(req, body);
    this.requests.push({ method: req.method!, url: req.url!, body, authOk: !reason, reason });
    if (reason) return this.answer(res, 401, { code: 'SIGN_ERROR', message: `签名错误: ${reason}` });
    const url = new URL(req.url!, this.url);
    const json = body ? JSON.parse(body) : {};
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/v3\/pay\/transactions\/(jsapi|h5)$/.exec(url.pathname))) {
      if (!json.out_trade_no || !json.amount?.total || !json.notify_url || !json.time_expire)
        return this.answer(res, 400, { code: 'PARAM_ERROR', message: 'missing field' });
      if (m[1] === 'jsapi' && !json.payer?.openid)
        return this.answer(res, 400, { code: 'PARAM_ERROR', message: 'openid' });
      this.trades.set(json.out_trade_no, {
        out_trade_no: json.out_trade_no,
        mchid: json.mchid,
        appid: json.appid,
        trade_state: 'NOTPAY',
        amount: { total: json.amount.total, payer_total: json.amount.total, currency: 'CNY' },
        request: json,
      });
      const prepay = `wx${randomBytes(10).toString('hex')}`;
      return m[1] === 'jsapi'
        ? this.answer(res, 200, { prepay_id: prepay })
        : this.answer(res, 200, {
            h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepay}`,
          });
    }
    if ((m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(url.pathname)) && req.method === 'GET') {
      const t = this.trades.get(decodeURIComponent(m[1]));
      if (!t || url.searchParams.get('mchid') !== this.opts.mchid)
        return this.answer(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      const { request: _r, ...trade } = t;
      return this.answer(res, 200, trade);
    }
    if (
      (m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(url.pathname)) &&
      req.method === 'POST'
    ) {
      const t = this.trades.get(decodeURIComponent(m[1]));
      if (!t) return this.answer(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (t.trade_state === 'SUCCESS')
        return this.answer(res, 400, { code: 'ORDERPAID', message: '订单已支付' });
      t.trade_state = 'CLOSED';
      return this.answer(res, 204);
    }
    if (url.pathname === '/v3/refund/domestic/refunds' && req.method === 'POST') {
      const existing = this.refunds.get(json.out_refund_no);
      if (existing) return this.answer(res, 200, existing);
      const trade = [...this.trades.values()].find(
        (t) => t.transaction_id === json.transaction_id || t.out_trade_no === json.out_trade_no,
      );
      if (!trade || trade.trade_state !== 'SUCCESS')
        return this.answer(res, 400, { code: 'INVALID_REQUEST', message: '订单未支付' });
      const refunded = [...this.refunds.values()]
        .filter((r) => r.out_trade_no === trade.out_trade_no)
        .reduce((a, r) => a + r.amount.refund, 0);
      if (refunded + json.amount.refund > trade.amount.total || json.amount.total !== trade.amount.total)
        return this.answer(res, 400, { code: 'INVALID_REQUEST', message: '退款金额错误' });
      const refund = {
        refund_id: `50300${randomBytes(8).toString('hex')}`,
        out_refund_no: json.out_refund_no,
        transaction_id: trade.transaction_id,
        out_trade_no: trade.out_trade_no,
        status: 'PROCESSING',
        amount: { refund: json.amount.refund, total: trade.amount.total, currency: 'CNY' },
      };
      this.refunds.set(json.out_refund_no, refund);
      return this.answer(res, 200, refund);
    }
    if ((m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(url.pathname)) && req.method === 'GET') {
      const r = this.refunds.get(decodeURIComponent(m[1]));
      return r
        ? this.answer(res, 200, r)
        : this.answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
    }
    if (url.pathname === '/v3/bill/tradebill' && req.method === 'GET') {
      return this.answer(res, 200, {
        hash_type: 'SHA1',
        hash_value: this.billHashOverride ?? createHash('sha1').update(this.bill).digest('hex'),
        download_url: `${this.url}/v3/billdownload/file?token=${url.searchParams.get('bill_date')}`,
      });
    }
    if (url.pathname === '/v3/billdownload/file' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(this.bill);
    }
    return this.answer(res, 404, { code: 'NOT_FOUND', message: url.pathname });
  }

  private answer(res: ServerResponse, status: number, obj?: object) {
    const body = obj === undefined ? '' : JSON.stringify(obj);
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': randomBytes(8).toString('hex'),
      ...(status < 300 ? this.signatureHeaders(body) : {}),
    });
    res.end(body);
  }
}
