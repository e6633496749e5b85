import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { signIntegrationRequest } from '../../modules/gateway/index.js';

/** The app id the platform signs its outbound calls with (the HIS and the exam system know it by it). */
export const PLATFORM_APP_ID = 'qingnang';

export interface SignedClientOptions {
  /** Base URL of the outside system; paths are appended to it. */
  baseUrl: string;
  /** Shared secret the outside system checks the signature with. */
  secret: string;
  timeoutMs: number;
  /** Signature timestamps come from the platform's clock, the one its own gateway checks against. */
  clock: Clock;
  /** How the outside system is named in error messages ("HIS", "exam system"). */
  label: string;
  /** Prefix of the error codes when the answer carries none (`HIS` → HIS_TIMEOUT, HIS_UNAVAILABLE, HIS_REFUSED). */
  codePrefix: string;
  /** The adapter's own error type: `retryable` false means the outside system refused the call for good. */
  fail: (code: string, message: string, retryable: boolean) => Error;
}

/**
 * A signed JSON POST to an outside system that implements the integration API's own scheme
 * (modules/gateway/signing.ts), so an integrator implements one scheme for both directions.
 * Network errors, timeouts, 5xx, 408 and 429 are retryable; any other 4xx is a refusal, with the
 * answer's `code` when its body carries one.
 */
export class SignedJsonClient {
  private readonly base: string;

  constructor(private readonly opts: SignedClientOptions) {
    this.base = opts.baseUrl.replace(/\/$/, '');
  }

  async post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    const { label, codePrefix, fail } = this.opts;
    const url = new URL(this.base + path);
    const raw = JSON.stringify(body);
    const headers = signIntegrationRequest({
      appId: PLATFORM_APP_ID,
      secret: this.opts.secret,
      method: 'POST',
      path: url.pathname + url.search,
      body: raw,
      timestamp: Math.floor(this.opts.clock.now().getTime() / 1000),
      nonce: randomBytes(12).toString('hex'),
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: raw,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw fail(
        timeout ? `${codePrefix}_TIMEOUT` : `${codePrefix}_UNAVAILABLE`,
        `${label} ${path}: ${timeout ? 'no answer in time' : (err as Error).message}`,
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
      typeof parsed.code === 'string'
        ? parsed.code
        : retryable
          ? `${codePrefix}_UNAVAILABLE`
          : `${codePrefix}_REFUSED`;
    const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${res.status}`;
    throw fail(code, `${label} ${path}: ${message}`.slice(0, 400), retryable);
  }
}
