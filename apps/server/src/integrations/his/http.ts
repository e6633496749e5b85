import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config.js';
import { signIntegrationRequest } from '../../modules/gateway/index.js';
import { HisError } from './errors.js';

/** The app id the platform signs its calls to the HIS with (the HIS knows the platform by it). */
export const PLATFORM_APP_ID = 'qingnang';

/** Paths of the outbound contract (docs/api.md, "Outbound HIS contract"), relative to HIS_URL. */
export const HIS_PATHS = {
  writeBack: '/qingnang/v1/bill-writebacks',
  refundBills: '/qingnang/v1/bill-refunds',
  cancelRegistration: '/qingnang/v1/registration-cancellations',
  events: '/qingnang/v1/events',
  patientInfo: '/qingnang/v1/patients/query',
  inpatientDeposits: '/qingnang/v1/inpatient/deposits',
  inpatientSettlements: '/qingnang/v1/inpatient/settlements',
} as const;

/**
 * A signed JSON POST to the HIS. The signature is the integration API's own scheme
 * (modules/gateway/signing.ts) keyed with HIS_SECRET, so an integrator implements one scheme for
 * both directions. Network errors, timeouts, 5xx, 408 and 429 are retryable; any other 4xx is the
 * HIS refusing the call, with its `code` when the body carries one.
 */
export class HisHttpTransport {
  private readonly base: string;

  constructor(private readonly config: Pick<AppConfig, 'HIS_URL' | 'HIS_SECRET' | 'HIS_TIMEOUT_MS'>) {
    if (!config.HIS_URL) throw new Error('HIS_PROVIDER=http requires HIS_URL');
    this.base = config.HIS_URL.replace(/\/$/, '');
  }

  async post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    const url = new URL(this.base + path);
    const raw = JSON.stringify(body);
    const headers = signIntegrationRequest({
      appId: PLATFORM_APP_ID,
      secret: this.config.HIS_SECRET,
      method: 'POST',
      path: url.pathname + url.search,
      body: raw,
      timestamp: Math.floor(Date.now() / 1000),
      nonce: randomBytes(12).toString('hex'),
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: raw,
        signal: AbortSignal.timeout(this.config.HIS_TIMEOUT_MS),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new HisError(
        timeout ? 'HIS_TIMEOUT' : 'HIS_UNAVAILABLE',
        `HIS ${path}: ${timeout ? 'no answer in time' : (err as Error).message}`,
        true,
      );
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    if (res.ok) return parsed as T;
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    const code =
      typeof parsed.code === 'string' ? parsed.code : retryable ? 'HIS_UNAVAILABLE' : 'HIS_REFUSED';
    const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${res.status}`;
    throw new HisError(code, `HIS ${path}: ${message}`.slice(0, 400), retryable);
  }
}
