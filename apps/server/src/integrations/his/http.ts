import type { AppConfig } from '../../config.js';
import type { Clock } from '../../platform/clock.js';
import { SignedJsonClient } from '../http/signed-client.js';
import { HisError } from './errors.js';

export { PLATFORM_APP_ID } from '../http/signed-client.js';

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
 * A signed JSON POST to the HIS, keyed with HIS_SECRET (integrations/http/signed-client.ts). Network
 * errors, timeouts, 5xx, 408 and 429 are retryable; any other 4xx is the HIS refusing the call, with
 * its `code` when the body carries one.
 */
export class HisHttpTransport {
  private readonly client: SignedJsonClient;

  constructor(config: Pick<AppConfig, 'HIS_URL' | 'HIS_SECRET' | 'HIS_TIMEOUT_MS'>, clock: Clock) {
    if (!config.HIS_URL) throw new Error('HIS_PROVIDER=http requires HIS_URL');
    this.client = new SignedJsonClient({
      baseUrl: config.HIS_URL,
      secret: config.HIS_SECRET,
      timeoutMs: config.HIS_TIMEOUT_MS,
      clock,
      label: 'HIS',
      codePrefix: 'HIS',
      fail: (code, message, retryable) => new HisError(code, message, retryable),
    });
  }

  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return this.client.post<T>(path, body);
  }
}
