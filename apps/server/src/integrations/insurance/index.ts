import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config.js';
import type { AppContext } from '../../platform/context.js';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { newId } from '../../platform/ids.js';
import { SandboxPrescriptionCentre, type PrescriptionCentre } from './prescriptions.js';

export type InsuranceType = 'employee' | 'resident';

/** The insured person behind a credential, as the 医保电子凭证中台 reports them. */
export interface InsuredPerson {
  name: string;
  idNumber: string;
  /** 个人编号 at the insurance platform */
  insuredNo: string;
  insuranceType: InsuranceType;
  areaCode: string;
  areaName: string;
}

export interface AuthorisedCredential {
  person: InsuredPerson;
  /** the payment token (ecToken) the platform accepts for this person's settlements */
  ecToken: string;
  expiresAt: Date;
}

export interface InsuranceItem {
  billNo: string;
  code: string;
  name: string;
  amountFen: number;
}

export interface SettlementRequest {
  ecToken: string;
  /** the platform's settlement number: the insurance platform's idempotency key */
  settlementNo: string;
  useAccount: boolean;
  /** false: the pooled fund pays nothing (registration fees are paid from the personal account only) */
  fundEligible?: boolean;
  items: InsuranceItem[];
}

export interface BillSplit {
  billNo: string;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

export interface SettlementSplit {
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  bills: BillSplit[];
}

export type PlatformSettlementState = 'settled' | 'cancelled' | 'refunded' | 'not_found';

export interface ConsumptionRecord {
  at: Date;
  kind: 'settle' | 'cancel' | 'refund';
  settlementNo: string;
  fundFen: number;
  accountFen: number;
  institution: string;
}

export type InsuranceStep =
  | 'authorise'
  | 'pre-settle'
  | 'settle'
  /** the settlement is applied at the platform but its answer is lost (a timeout) */
  | 'settle-answer'
  | 'cancel'
  | 'refund'
  | 'balance';

/** The platform could not answer; `retryable` false means it refused for good. */
export class InsuranceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}

/**
 * The provincial medical-insurance platform and the national 医保电子凭证中台 (INS-01 … INS-15).
 * Settlement, cancellation and refund are idempotent by the platform's own numbers, so a retry
 * after a lost answer is recognised and applied once.
 */
export interface InsurancePlatform {
  readonly kind: 'sandbox';
  /** Exchanges the authorisation code the credential SDK returned for the holder and a payment token. */
  authorise(ctx: AppContext, authCode: string): Promise<AuthorisedCredential>;
  /** The dynamic QR payload of the credential for offline settlement (INS-03). */
  credentialQr(ctx: AppContext, ecToken: string): Promise<{ payload: string; expiresAt: Date }>;
  /** Whether a social-security card belongs to the holder of the token (INS-05). */
  socialCardBelongs(ctx: AppContext, ecToken: string, cardNo: string): Promise<boolean>;
  balance(ctx: AppContext, ecToken: string): Promise<{ balanceFen: number }>;
  consumption(ctx: AppContext, ecToken: string): Promise<ConsumptionRecord[]>;
  preSettle(ctx: AppContext, req: SettlementRequest): Promise<SettlementSplit>;
  settle(ctx: AppContext, req: SettlementRequest): Promise<SettlementSplit>;
  /** Reverses a settlement (撤销结算); an unknown settlement number answers 'not_found'. */
  cancel(ctx: AppContext, settlementNo: string, reason: string): Promise<PlatformSettlementState>;
  /** Refunds a settlement to the fund and the personal account (医保退费). */
  refund(
    ctx: AppContext,
    settlementNo: string,
    refundNo: string,
    reason: string,
  ): Promise<PlatformSettlementState>;
  /** INS-12: the platform's own record of a settlement. */
  query(
    ctx: AppContext,
    settlementNo: string,
  ): Promise<{ state: PlatformSettlementState; fundFen: number; accountFen: number; cashFen: number }>;
}

export interface InsuranceAdapters {
  insurance: InsurancePlatform;
  /** INS-16: the e-prescription centre of the same insurance platform */
  prescriptionCentre: PrescriptionCentre;
}

export function buildInsuranceAdapters(config: AppConfig): InsuranceAdapters {
  switch (config.INSURANCE_PROVIDER) {
    case 'sandbox':
      return {
        insurance: new SandboxInsurance({ secret: config.INSURANCE_SANDBOX_SECRET }),
        prescriptionCentre: new SandboxPrescriptionCentre(),
      };
  }
}

const INSTITUTION = '青囊示范医院';
export const INITIAL_BALANCE_FEN = 50_000;
const TOKEN_HOURS = 24;
// Sandbox policy: the pooled fund pays this share of covered items (codes starting with "Z" are
// self-pay, 自费); residents have no personal account.
const FUND_RATIO: Record<InsuranceType, number> = { employee: 0.7, resident: 0.5 };

/**
 * The sandbox insurance platform: authorisation codes and payment tokens are sealed, self-contained
 * strings (AES-256-GCM under the sandbox key: whoever sees one, in a URL, a log or a browser's
 * history, reads neither the name nor the ID number in it, and cannot forge one); the personal accounts, settlements and consumption records live in its own tables
 * (insurance_sandbox_*), as a provincial platform's books would. Tests make any step fail.
 */
export class SandboxInsurance implements InsurancePlatform {
  readonly kind = 'sandbox' as const;
  readonly failing = new Set<InsuranceStep>();
  private readonly secret: string;

  constructor(opts: { secret?: string } = {}) {
    this.secret = opts.secret ?? 'qingnang-sandbox-insurance-secret';
  }

  /**
   * What the credential SDK hands the app after the holder verified themselves in the 医保 app
   * (the sandbox credential page and the tests call it).
   */
  issueAuthCode(person: { name: string; idNumber: string; insuranceType?: InsuranceType }): string {
    return this.sign('ac', {
      n: person.name,
      i: person.idNumber.toUpperCase(),
      t: person.insuranceType ?? 'employee',
    });
  }

  async authorise(_ctx: AppContext, authCode: string): Promise<AuthorisedCredential> {
    this.maybeFail('authorise');
    const c = this.verify(authCode, 'ac');
    if (!c) throw new InsuranceError('AUTH_CODE_INVALID', 'authorisation code invalid or expired', false);
    const person = personOf(c.n as string, c.i as string, c.t as InsuranceType);
    const expiresAt = new Date(_ctx.clock.now().getTime() + TOKEN_HOURS * 3600_000);
    const ecToken = this.sign('ec', {
      n: person.name,
      i: person.idNumber,
      t: person.insuranceType,
      x: +expiresAt,
    });
    return { person, ecToken, expiresAt };
  }

  async credentialQr(ctx: AppContext, ecToken: string) {
    const p = this.holder(ctx, ecToken);
    const expiresAt = new Date(ctx.clock.now().getTime() + 60_000);
    const payload = `ECQR:${p.insuredNo}:${this.mac(`${p.insuredNo}:${+expiresAt}`).slice(0, 16)}:${+expiresAt}`;
    return { payload, expiresAt };
  }

  async socialCardBelongs(ctx: AppContext, ecToken: string, cardNo: string) {
    return cardNo.trim().toUpperCase() === socialCardNo(this.holder(ctx, ecToken).idNumber);
  }

  async balance(ctx: AppContext, ecToken: string) {
    this.maybeFail('balance');
    const p = this.holder(ctx, ecToken);
    return { balanceFen: await this.balanceOf(ctx, p.idNumber) };
  }

  async consumption(ctx: AppContext, ecToken: string): Promise<ConsumptionRecord[]> {
    this.maybeFail('balance');
    const p = this.holder(ctx, ecToken);
    const r = await ctx.database.raw.query<{
      kind: ConsumptionRecord['kind'];
      settlement_no: string;
      fund_fen: number;
      account_fen: number;
      institution: string;
      created_at: Date;
    }>(
      `SELECT kind, settlement_no, fund_fen, account_fen, institution, created_at FROM insurance_sandbox_ledger
        WHERE person_key = $1 ORDER BY created_at DESC, id DESC LIMIT 200`,
      [personKey(p.idNumber)],
    );
    return r.rows.map((x) => ({
      at: new Date(x.created_at),
      kind: x.kind,
      settlementNo: x.settlement_no,
      fundFen: x.fund_fen,
      accountFen: x.account_fen,
      institution: x.institution,
    }));
  }

  async preSettle(ctx: AppContext, req: SettlementRequest): Promise<SettlementSplit> {
    this.maybeFail('pre-settle');
    const p = this.holder(ctx, req.ecToken);
    return split(req, p.insuranceType, await this.balanceOf(ctx, p.idNumber));
  }

  async settle(ctx: AppContext, req: SettlementRequest): Promise<SettlementSplit> {
    this.maybeFail('settle');
    const p = this.holder(ctx, req.ecToken);
    const key = personKey(p.idNumber);
    const now = ctx.clock.now();
    const result = await ctx.db.transaction(async (tx) => {
      const prior = await rows<{ account_fen: number }>(
        tx,
        sql`SELECT account_fen FROM insurance_sandbox_settlements WHERE settlement_no = ${req.settlementNo}`,
      );
      await ensureAccount(tx, key, now);
      const [acc] = await rows<{ balance_fen: number }>(
        tx,
        sql`SELECT balance_fen FROM insurance_sandbox_accounts WHERE person_key = ${key} FOR UPDATE`,
      );
      // A retry of the same settlement is recognised and recomputed only for its breakdown.
      if (prior[0]) return split(req, p.insuranceType, acc.balance_fen + prior[0].account_fen);
      const s = split(req, p.insuranceType, acc.balance_fen);
      await tx.execute(
        sql`UPDATE insurance_sandbox_accounts SET balance_fen = balance_fen - ${s.accountFen}, updated_at = ${now}
             WHERE person_key = ${key}`,
      );
      await tx.execute(
        sql`INSERT INTO insurance_sandbox_settlements
              (settlement_no, person_key, total_fen, fund_fen, account_fen, cash_fen, state, created_at, updated_at)
            VALUES (${req.settlementNo}, ${key}, ${s.totalFen}, ${s.fundFen}, ${s.accountFen}, ${s.cashFen},
              'settled', ${now}, ${now})`,
      );
      await ledger(tx, key, 'settle', req.settlementNo, s.fundFen, s.accountFen, now);
      return s;
    });
    this.maybeFail('settle-answer');
    return result;
  }

  async cancel(ctx: AppContext, settlementNo: string, _reason: string) {
    this.maybeFail('cancel');
    return this.giveBack(ctx, settlementNo, 'cancel', null);
  }

  async refund(ctx: AppContext, settlementNo: string, refundNo: string, _reason: string) {
    this.maybeFail('refund');
    return this.giveBack(ctx, settlementNo, 'refund', refundNo);
  }

  async query(ctx: AppContext, settlementNo: string) {
    const r = await ctx.database.raw.query<{
      state: 'settled' | 'cancelled' | 'refunded';
      fund_fen: number;
      account_fen: number;
      cash_fen: number;
    }>(
      `SELECT state, fund_fen, account_fen, cash_fen FROM insurance_sandbox_settlements WHERE settlement_no = $1`,
      [settlementNo],
    );
    const s = r.rows[0];
    if (!s) return { state: 'not_found' as const, fundFen: 0, accountFen: 0, cashFen: 0 };
    return { state: s.state, fundFen: s.fund_fen, accountFen: s.account_fen, cashFen: s.cash_fen };
  }

  /** The personal account balance of an ID number (tests and the demo). */
  async balanceOf(ctx: AppContext, idNumber: string): Promise<number> {
    const r = await ctx.database.raw.query<{ balance_fen: number }>(
      `SELECT balance_fen FROM insurance_sandbox_accounts WHERE person_key = $1`,
      [personKey(idNumber)],
    );
    return r.rows[0]?.balance_fen ?? INITIAL_BALANCE_FEN;
  }

  /** Sets a personal account balance (tests and the demo). */
  async setBalance(ctx: AppContext, idNumber: string, balanceFen: number): Promise<void> {
    await ctx.db.execute(
      sql`INSERT INTO insurance_sandbox_accounts (person_key, balance_fen, updated_at)
          VALUES (${personKey(idNumber)}, ${balanceFen}, ${ctx.clock.now()})
          ON CONFLICT (person_key) DO UPDATE SET balance_fen = EXCLUDED.balance_fen, updated_at = EXCLUDED.updated_at`,
    );
  }

  /** The social-security card number the sandbox issued to an ID number. */
  socialCardOf(idNumber: string): string {
    return socialCardNo(idNumber);
  }

  private async giveBack(
    ctx: AppContext,
    settlementNo: string,
    kind: 'cancel' | 'refund',
    refundNo: string | null,
  ): Promise<PlatformSettlementState> {
    const now = ctx.clock.now();
    return ctx.db.transaction(async (tx) => {
      const [s] = await rows<{ person_key: string; state: string; fund_fen: number; account_fen: number }>(
        tx,
        sql`SELECT person_key, state, fund_fen, account_fen FROM insurance_sandbox_settlements
             WHERE settlement_no = ${settlementNo} FOR UPDATE`,
      );
      if (!s) return 'not_found' as const;
      if (s.state !== 'settled') return s.state as PlatformSettlementState;
      const state = kind === 'cancel' ? ('cancelled' as const) : ('refunded' as const);
      await tx.execute(
        sql`UPDATE insurance_sandbox_settlements SET state = ${state}, refund_no = ${refundNo}, updated_at = ${now}
             WHERE settlement_no = ${settlementNo}`,
      );
      await tx.execute(
        sql`UPDATE insurance_sandbox_accounts SET balance_fen = balance_fen + ${s.account_fen}, updated_at = ${now}
             WHERE person_key = ${s.person_key}`,
      );
      await ledger(tx, s.person_key, kind, settlementNo, -s.fund_fen, -s.account_fen, now);
      return state;
    });
  }

  private holder(ctx: AppContext, ecToken: string): InsuredPerson {
    const c = this.verify(ecToken, 'ec');
    if (!c || (c.x as number) <= ctx.clock.now().getTime())
      throw new InsuranceError('TOKEN_EXPIRED', 'credential token invalid or expired', false);
    return personOf(c.n as string, c.i as string, c.t as InsuranceType);
  }

  private maybeFail(step: InsuranceStep) {
    if (this.failing.has(step))
      throw new InsuranceError('INSURANCE_UNAVAILABLE', `sandbox insurance platform fails at ${step}`);
  }

  private sign(kind: string, claims: Record<string, unknown>): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.sealKey(), iv);
    c.setAAD(Buffer.from(kind));
    const data = Buffer.concat([c.update(JSON.stringify(claims), 'utf8'), c.final()]);
    return `${kind}.${Buffer.concat([iv, c.getAuthTag(), data]).toString('base64url')}`;
  }

  private verify(token: string, kind: string): Record<string, unknown> | undefined {
    const [k, sealed, ...rest] = token.split('.');
    if (k !== kind || !sealed || rest.length) return undefined;
    const buf = Buffer.from(sealed, 'base64url');
    if (buf.length < 29) return undefined;
    try {
      const d = createDecipheriv('aes-256-gcm', this.sealKey(), buf.subarray(0, 12));
      d.setAAD(Buffer.from(kind));
      d.setAuthTag(buf.subarray(12, 28));
      const plain = Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
      return JSON.parse(plain) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  private sealKey() {
    return createHash('sha256').update(`sandbox-insurance-seal:${this.secret}`).digest();
  }

  private mac(text: string) {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }
}

/** The sandbox platform's key of an insured person (its books never hold the ID number itself). */
export function personKey(idNumber: string) {
  return createHash('sha256').update(`sandbox-insured:${idNumber.toUpperCase()}`).digest('hex');
}

function personOf(name: string, idNumber: string, insuranceType: InsuranceType): InsuredPerson {
  const h = personKey(idNumber);
  return {
    name,
    idNumber,
    insuredNo: `${idNumber.slice(0, 6)}${(BigInt('0x' + h.slice(0, 12)) % 10n ** 10n).toString().padStart(10, '0')}`,
    insuranceType,
    areaCode: idNumber.slice(0, 6),
    areaName: idNumber.startsWith('11') ? '北京市' : '本省统筹区',
  };
}

function socialCardNo(idNumber: string) {
  const h = createHash('sha256').update(`sandbox-social-card:${idNumber.toUpperCase()}`).digest('hex');
  return 'S' + (BigInt('0x' + h.slice(0, 15)) % 10n ** 9n).toString().padStart(9, '0');
}

/** Fund first (covered items only), then the personal account up to its balance, the rest in cash. */
function split(req: SettlementRequest, type: InsuranceType, balanceFen: number): SettlementSplit {
  let balance = req.useAccount && type === 'employee' ? balanceFen : 0;
  const byBill = new Map<string, InsuranceItem[]>();
  for (const i of req.items) byBill.set(i.billNo, [...(byBill.get(i.billNo) ?? []), i]);
  const bills: BillSplit[] = [];
  for (const [billNo, items] of byBill) {
    const totalFen = items.reduce((s, i) => s + i.amountFen, 0);
    const covered = items
      .filter((i) => !i.code.toUpperCase().startsWith('Z'))
      .reduce((s, i) => s + i.amountFen, 0);
    const fundFen = req.fundEligible === false ? 0 : Math.floor(covered * FUND_RATIO[type]);
    const accountFen = Math.min(balance, totalFen - fundFen);
    balance -= accountFen;
    bills.push({ billNo, totalFen, fundFen, accountFen, cashFen: totalFen - fundFen - accountFen });
  }
  const sum = (k: keyof Omit<BillSplit, 'billNo'>) => bills.reduce((s, b) => s + b[k], 0);
  return {
    totalFen: sum('totalFen'),
    fundFen: sum('fundFen'),
    accountFen: sum('accountFen'),
    cashFen: sum('cashFen'),
    bills,
  };
}

async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}

async function ensureAccount(db: Db, key: string, now: Date) {
  await db.execute(
    sql`INSERT INTO insurance_sandbox_accounts (person_key, balance_fen, updated_at)
        VALUES (${key}, ${INITIAL_BALANCE_FEN}, ${now}) ON CONFLICT (person_key) DO NOTHING`,
  );
}

async function ledger(
  db: Db,
  key: string,
  kind: ConsumptionRecord['kind'],
  settlementNo: string,
  fundFen: number,
  accountFen: number,
  now: Date,
) {
  await db.execute(
    sql`INSERT INTO insurance_sandbox_ledger
          (id, person_key, kind, settlement_no, fund_fen, account_fen, institution, created_at)
        VALUES (${newId()}, ${key}, ${kind}, ${settlementNo}, ${fundFen}, ${accountFen}, ${INSTITUTION}, ${now})`,
  );
}
