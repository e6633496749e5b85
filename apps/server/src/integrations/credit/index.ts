import { createHash } from 'node:crypto';
import type { AppConfig } from '../../config.js';
import type { AppContext } from '../../platform/context.js';

/** Who asks for credit care: the real-name data the credit platform evaluates. */
export interface CreditApplicant {
  patientId: string;
  name: string;
  idNumber: string;
  birthDate: string;
}

export type CreditEvaluation =
  { eligible: true; limitFen: number; agreementNo: string } | { eligible: false; reason: string };

/** The credit platform could not answer (retry later); a refusal is an evaluation, not an error. */
export class CreditPlatformError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The credit platform behind 信用就医 and 无感支付 (PAY-12…15: carried by the WeChat platform in the
 * procurement documents, provider not named): it decides eligibility and the credit limit, and holds
 * the signed withholding agreement (免密代扣) under which settlements are charged without a payment
 * step. Both calls are idempotent by the patient.
 */
export interface CreditPlatform {
  readonly kind: 'sandbox';
  evaluate(ctx: AppContext, applicant: CreditApplicant): Promise<CreditEvaluation>;
  signWithholding(ctx: AppContext, applicant: CreditApplicant): Promise<{ agreementNo: string }>;
}

export interface CreditAdapters {
  credit: CreditPlatform;
}

export function buildCreditAdapters(config: AppConfig): CreditAdapters {
  switch (config.CREDIT_PROVIDER) {
    case 'sandbox':
      return { credit: new SandboxCreditPlatform(config.CREDIT_DEFAULT_LIMIT_FEN) };
  }
}

/**
 * The sandbox credit platform: adults are eligible for the configured limit, minors are not, and
 * tests can refuse a given person or take the platform down.
 */
export class SandboxCreditPlatform implements CreditPlatform {
  readonly kind = 'sandbox' as const;
  failing = false;
  readonly refused = new Set<string>();

  constructor(private readonly limitFen: number) {}

  async evaluate(ctx: AppContext, a: CreditApplicant): Promise<CreditEvaluation> {
    if (this.failing)
      throw new CreditPlatformError('CREDIT_PLATFORM_UNAVAILABLE', 'sandbox credit platform is down');
    if (this.refused.has(a.idNumber))
      return { eligible: false, reason: '信用评估未通过 / credit evaluation not passed' };
    // the 18th birthday is a date in the hospital's zone (a UTC date is yesterday before 08:00 there)
    const today = ctx.clock.today();
    const adultFrom = `${Number(a.birthDate.slice(0, 4)) + 18}${a.birthDate.slice(4)}`;
    if (adultFrom > today) return { eligible: false, reason: '未成年人不能开通 / minors cannot apply' };
    return { eligible: true, limitFen: this.limitFen, agreementNo: `CR${digest(a.idNumber)}` };
  }

  async signWithholding(_ctx: AppContext, a: CreditApplicant): Promise<{ agreementNo: string }> {
    if (this.failing)
      throw new CreditPlatformError('CREDIT_PLATFORM_UNAVAILABLE', 'sandbox credit platform is down');
    return { agreementNo: `WH${digest(`withholding:${a.idNumber}`)}` };
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16).toUpperCase();
