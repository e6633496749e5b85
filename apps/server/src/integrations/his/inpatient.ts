import type { AppConfig } from '../../config.js';
import type { Clock } from '../../platform/clock.js';
import type { AppContext } from '../../platform/context.js';
import { HIS_PATHS, HisHttpTransport } from './http.js';

/**
 * Outbound calls from the platform to the HIS inpatient module (INP-03, INP-08): a deposit paid
 * online is written to the patient's inpatient account; a discharge settlement made online is
 * confirmed. Calls are idempotent by the platform's own ids, so a retry after a lost answer is safe.
 */
export interface InpatientHis {
  /** Writes an online deposit to the HIS account; the same depositId twice records it once. */
  recordDeposit(input: {
    admissionNo: string;
    depositId: string;
    amountFen: number;
    paidAt: Date;
  }): Promise<{ hisReceiptNo: string }>;
  /** Confirms an online discharge settlement (remainder paid or surplus refunded). */
  recordSettlement(input: {
    admissionNo: string;
    kind: 'paid' | 'refunded' | 'balanced';
    amountFen: number;
  }): Promise<void>;
}

export interface InpatientHisAdapters {
  inpatientHis: InpatientHis;
}

/** The sandbox HIS: remembers what it was told, so tests and the demo can look. */
export class SandboxInpatientHis implements InpatientHis {
  readonly deposits = new Map<string, { admissionNo: string; amountFen: number; hisReceiptNo: string }>();
  readonly settlements: { admissionNo: string; kind: string; amountFen: number }[] = [];
  /** Fault injection for tests: the next N deposit write-backs fail (HIS unreachable). */
  readonly faults = { depositUnavailable: 0 };

  async recordDeposit(input: { admissionNo: string; depositId: string; amountFen: number; paidAt: Date }) {
    if (this.faults.depositUnavailable > 0) {
      this.faults.depositUnavailable--;
      throw new Error('sandbox HIS inpatient service unavailable');
    }
    const seen = this.deposits.get(input.depositId);
    if (seen) return { hisReceiptNo: seen.hisReceiptNo };
    const hisReceiptNo = `YJ${String(this.deposits.size + 1).padStart(8, '0')}`;
    this.deposits.set(input.depositId, {
      admissionNo: input.admissionNo,
      amountFen: input.amountFen,
      hisReceiptNo,
    });
    return { hisReceiptNo };
  }

  async recordSettlement(input: {
    admissionNo: string;
    kind: 'paid' | 'refunded' | 'balanced';
    amountFen: number;
  }) {
    this.settlements.push(input);
  }
}

/** The HIS inpatient module over HTTP (HIS_PROVIDER=http; contract in docs/api.md). */
export class HttpInpatientHis implements InpatientHis {
  constructor(private readonly http: HisHttpTransport) {}

  async recordDeposit(input: { admissionNo: string; depositId: string; amountFen: number; paidAt: Date }) {
    const res = await this.http.post<{ hisReceiptNo?: unknown }>(HIS_PATHS.inpatientDeposits, {
      ...input,
      paidAt: input.paidAt.toISOString(),
    });
    if (typeof res.hisReceiptNo !== 'string' || !res.hisReceiptNo)
      throw new Error('HIS deposit answer has no hisReceiptNo');
    return { hisReceiptNo: res.hisReceiptNo.slice(0, 64) };
  }

  async recordSettlement(input: {
    admissionNo: string;
    kind: 'paid' | 'refunded' | 'balanced';
    amountFen: number;
  }) {
    await this.http.post(HIS_PATHS.inpatientSettlements, input);
  }
}

export function buildInpatientHisAdapters(config: AppConfig, clock: Clock): InpatientHisAdapters {
  switch (config.HIS_PROVIDER) {
    case 'http':
      return { inpatientHis: new HttpInpatientHis(new HisHttpTransport(config, clock)) };
    case 'sandbox':
    default:
      return { inpatientHis: new SandboxInpatientHis() };
  }
}

/** The configured adapter of this app (an override passed to createTestApp wins, as for every adapter). */
export function inpatientHisOf(ctx: AppContext): InpatientHis {
  return ctx.adapters.inpatientHis;
}
