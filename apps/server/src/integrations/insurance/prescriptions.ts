import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { INITIAL_BALANCE_FEN, InsuranceError, personKey } from './index.js';

/** A prescription as the platform uploads it to the 医保电子处方中心 (INS-16). */
export interface CentrePrescription {
  /** the HIS's prescription number: the centre's idempotency key for the upload */
  hisRxNo: string;
  patient: { name: string; idType: string; idNumber: string };
  doctor: { code: string; name: string; insuranceDoctorCode: string };
  department: { code: string; name: string };
  issuedAt: Date;
  validUntil: Date;
  kind: 'ordinary' | 'special_disease';
  specialDisease: { code: string; name: string } | null;
  diagnoses: { code: string; name: string }[];
  items: {
    drugCode: string;
    name: string;
    spec: string;
    quantity: number;
    unit: string;
    unitPriceFen: number;
    amountFen: number;
    dualChannel: boolean;
  }[];
  totalFen: number;
}

export type UploadOutcome =
  | { outcome: 'accepted'; hiRxNo: string; traceCode: string }
  /** refused for good: not insured, special disease not filed, drug not covered ... */
  | { outcome: 'rejected'; code: string; reason: string };

/** A designated retail pharmacy (定点零售药店) as the centre lists it for one prescription. */
export interface DesignatedPharmacy {
  code: string;
  name: string;
  address: string;
  phone: string;
  dualChannel: boolean;
  specialDisease: boolean;
  inStock: boolean;
  distanceKm: number | null;
}

export interface CentreDispensing {
  at: Date;
  pharmacyCode: string;
  pharmacyName: string;
  settlementNo: string;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

export type CentreState =
  'circulating' | 'dispatched' | 'at_hospital' | 'dispensed' | 'revoked' | 'not_found';

export interface CentreRecord {
  state: CentreState;
  pharmacyCode: string | null;
  pickupCode: string | null;
  dispensed: CentreDispensing | null;
}

/** The hospital's own pharmacy as a fill choice at the centre. */
export const HOSPITAL_PHARMACY = 'HOSPITAL';

/**
 * The insurance platform's e-prescription centre (医保电子处方中心, INS-16): prescriptions are
 * uploaded once (idempotent by the HIS number), sent to the place the patient chose, and the
 * centre reports the dispensing and insurance settlement a retail pharmacy made. Errors are
 * InsuranceError; `retryable` false means the centre refused for good.
 */
export interface PrescriptionCentre {
  readonly kind: 'sandbox';
  upload(ctx: AppContext, rx: CentrePrescription): Promise<UploadOutcome>;
  /** The designated pharmacies that can fill this prescription (双通道 / 门诊特殊病 capable as needed). */
  pharmacies(ctx: AppContext, hiRxNo: string): Promise<DesignatedPharmacy[]>;
  /** Sends the prescription to a retail pharmacy (or HOSPITAL_PHARMACY); may be repeated to move it. */
  assign(ctx: AppContext, hiRxNo: string, pharmacyCode: string): Promise<{ pickupCode: string | null }>;
  query(ctx: AppContext, hiRxNo: string): Promise<CentreRecord>;
  /** Revokes it at the centre; one already dispensed stays dispensed (the answer says so). */
  revoke(ctx: AppContext, hiRxNo: string, reason: string): Promise<CentreRecord>;
  /**
   * 取药结果上传: the hospital pharmacy dispensed a prescription sent to HOSPITAL_PHARMACY. Idempotent
   * (a repeat answers the record as it stands); one not at the hospital is refused for good.
   */
  reportDispensed(ctx: AppContext, hiRxNo: string, result: HospitalDispensingResult): Promise<CentreRecord>;
}

/** What the hospital reports when its own pharmacy dispensed a prescription (取药结果). */
export interface HospitalDispensingResult {
  at: Date;
  /** the insurance settlement the HIS made at the counter, if any */
  settlementNo: string | null;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

const HOSPITAL_PHARMACY_NAME = '医院药房';

/** The sandbox's designated retail pharmacies. */
const PHARMACIES: Omit<DesignatedPharmacy, 'inStock'>[] = [
  {
    code: 'P001',
    name: '青囊大药房（中山路店）',
    address: '中山路 88 号',
    phone: '0571-88000001',
    dualChannel: true,
    specialDisease: true,
    distanceKm: 1.2,
  },
  {
    code: 'P002',
    name: '益丰大药房（人民路店）',
    address: '人民路 216 号',
    phone: '0571-88000002',
    dualChannel: true,
    specialDisease: false,
    distanceKm: 2.5,
  },
  {
    code: 'P003',
    name: '老百姓大药房（解放路店）',
    address: '解放路 35 号',
    phone: '0571-88000003',
    dualChannel: false,
    specialDisease: true,
    distanceKm: 3.1,
  },
  {
    code: 'P004',
    name: '国大药房（建设路店）',
    address: '建设路 9 号',
    phone: '0571-88000004',
    dualChannel: false,
    specialDisease: false,
    distanceKm: 4.8,
  },
  {
    code: 'P005',
    name: '一心堂（滨江店）',
    address: '滨江大道 1001 号',
    phone: '0571-88000005',
    dualChannel: true,
    specialDisease: true,
    distanceKm: 6.4,
  },
];
// P005 has run out of 双通道 drugs: it is listed for them but not in stock.
const OUT_OF_DUAL_CHANNEL_STOCK = new Set(['P005']);
// Sandbox policy, as for settlements: codes starting with "Z" are self-pay; drug codes starting with
// "X" are not in the insurance drug catalogue at all (the centre refuses the prescription).
const FUND_RATIO = 0.7;

interface SandboxRx {
  hi_rx_no: string;
  his_rx_no: string;
  person_key: string;
  kind: string;
  special_disease_code: string | null;
  items: CentrePrescription['items'];
  total_fen: number;
  state: Exclude<CentreState, 'not_found'>;
  pharmacy_code: string | null;
  pickup_code: string | null;
  settlement_no: string | null;
  dispensed_at: Date | null;
  total_settled_fen: number | null;
  fund_fen: number | null;
  account_fen: number | null;
  cash_fen: number | null;
}

/**
 * The sandbox centre: its books are insurance_sandbox_prescriptions and the special-disease filings;
 * a retail pharmacy's settlement is written to the same personal account and consumption ledger as
 * the sandbox insurance platform's own settlements, so the patient's 医保消费记录 shows it.
 * Tests and the demo make it fail, refuse the next upload, mark a person uninsured, and dispense.
 */
export class SandboxPrescriptionCentre implements PrescriptionCentre {
  readonly kind = 'sandbox' as const;
  failing = false;
  /** the reason the next upload is refused with (then cleared) */
  rejectNext: string | null = null;
  private readonly uninsured = new Set<string>();

  async upload(ctx: AppContext, rx: CentrePrescription): Promise<UploadOutcome> {
    this.maybeFail();
    const [prior] = await this.rowsOf(
      ctx.db,
      sql`SELECT * FROM insurance_sandbox_prescriptions
      WHERE his_rx_no = ${rx.hisRxNo}`,
    );
    if (prior) return { outcome: 'accepted', hiRxNo: prior.hi_rx_no, traceCode: traceOf(prior.hi_rx_no) };
    if (this.rejectNext) {
      const reason = this.rejectNext;
      this.rejectNext = null;
      return { outcome: 'rejected', code: 'CENTRE_REJECTED', reason };
    }
    const key = personKey(rx.patient.idNumber);
    if (this.uninsured.has(key))
      return { outcome: 'rejected', code: 'NOT_INSURED', reason: '未查询到患者的参保信息' };
    if (rx.kind === 'special_disease' && rx.specialDisease) {
      const filed = await this.rowsOf(
        ctx.db,
        sql`SELECT 1 FROM insurance_sandbox_special_disease_filings
             WHERE person_key = ${key} AND disease_code = ${rx.specialDisease.code}`,
      );
      if (!filed.length)
        return {
          outcome: 'rejected',
          code: 'SPECIAL_DISEASE_NOT_FILED',
          reason: `患者未办理「${rx.specialDisease.name}」门诊特殊病备案`,
        };
    }
    const uncovered = rx.items.find((i) => i.drugCode.toUpperCase().startsWith('X'));
    if (uncovered)
      return {
        outcome: 'rejected',
        code: 'DRUG_NOT_COVERED',
        reason: `药品「${uncovered.name}」不在医保药品目录内`,
      };
    const hiRxNo = `HRX${digest(rx.hisRxNo).slice(0, 16).toUpperCase()}`;
    const now = ctx.clock.now();
    await ctx.db.execute(sql`INSERT INTO insurance_sandbox_prescriptions
        (hi_rx_no, his_rx_no, person_key, kind, special_disease_code, items, total_fen, valid_until, state,
         created_at, updated_at)
      VALUES (${hiRxNo}, ${rx.hisRxNo}, ${key}, ${rx.kind}, ${rx.specialDisease?.code ?? null},
        ${JSON.stringify(rx.items)}::jsonb, ${rx.totalFen}, ${rx.validUntil}, 'circulating', ${now}, ${now})
      ON CONFLICT (his_rx_no) DO NOTHING`);
    return { outcome: 'accepted', hiRxNo, traceCode: traceOf(hiRxNo) };
  }

  async pharmacies(ctx: AppContext, hiRxNo: string): Promise<DesignatedPharmacy[]> {
    this.maybeFail();
    const rx = await this.get(ctx.db, hiRxNo);
    return eligiblePharmacies(rx);
  }

  async assign(ctx: AppContext, hiRxNo: string, pharmacyCode: string) {
    this.maybeFail();
    const rx = await this.get(ctx.db, hiRxNo);
    if (rx.state === 'dispensed') throw new InsuranceError('RX_DISPENSED', 'already dispensed', false);
    if (rx.state === 'revoked') throw new InsuranceError('RX_REVOKED', 'prescription revoked', false);
    if (rx.state === 'at_hospital')
      throw new InsuranceError('RX_AT_HOSPITAL', 'prescription taken by the hospital', false);
    const hospital = pharmacyCode === HOSPITAL_PHARMACY;
    if (!hospital && !eligiblePharmacies(rx).some((p) => p.code === pharmacyCode && p.inStock))
      throw new InsuranceError('PHARMACY_NOT_ELIGIBLE', 'pharmacy cannot fill this prescription', false);
    const pickupCode = hospital ? null : digits(`${hiRxNo}:pickup`, 8);
    await ctx.db.execute(sql`UPDATE insurance_sandbox_prescriptions
        SET state = ${hospital ? 'at_hospital' : 'dispatched'}, pharmacy_code = ${pharmacyCode},
            pickup_code = ${pickupCode}, updated_at = ${ctx.clock.now()}
      WHERE hi_rx_no = ${hiRxNo} AND state IN ('circulating', 'dispatched')`);
    return { pickupCode };
  }

  async query(ctx: AppContext, hiRxNo: string): Promise<CentreRecord> {
    this.maybeFail();
    const [rx] = await this.rowsOf(
      ctx.db,
      sql`SELECT * FROM insurance_sandbox_prescriptions
      WHERE hi_rx_no = ${hiRxNo}`,
    );
    return rx ? recordOf(rx) : { state: 'not_found', pharmacyCode: null, pickupCode: null, dispensed: null };
  }

  async revoke(ctx: AppContext, hiRxNo: string, _reason: string): Promise<CentreRecord> {
    this.maybeFail();
    await ctx.db.execute(sql`UPDATE insurance_sandbox_prescriptions
        SET state = 'revoked', updated_at = ${ctx.clock.now()}
      WHERE hi_rx_no = ${hiRxNo} AND state <> 'dispensed'`);
    return this.query(ctx, hiRxNo);
  }

  async reportDispensed(
    ctx: AppContext,
    hiRxNo: string,
    result: HospitalDispensingResult,
  ): Promise<CentreRecord> {
    this.maybeFail();
    const taken = await ctx.db.execute(sql`UPDATE insurance_sandbox_prescriptions
        SET state = 'dispensed', settlement_no = ${result.settlementNo}, dispensed_at = ${result.at},
            total_settled_fen = ${result.totalFen}, fund_fen = ${result.fundFen},
            account_fen = ${result.accountFen}, cash_fen = ${result.cashFen}, updated_at = ${ctx.clock.now()}
      WHERE hi_rx_no = ${hiRxNo} AND state = 'at_hospital' AND pharmacy_code = ${HOSPITAL_PHARMACY}
      RETURNING hi_rx_no`);
    if (taken.rows.length) this.dispensingReports.push(hiRxNo);
    const rx = await this.get(ctx.db, hiRxNo);
    if (rx.state === 'dispensed' && rx.pharmacy_code === HOSPITAL_PHARMACY) return recordOf(rx);
    throw new InsuranceError('RX_STATE', `prescription is ${rx.state} at the centre`, false);
  }

  // ------------------------------------------------------------ sandbox controls (tests, demo)

  /** The hospital dispensing results the centre took, in order (each prescription once). */
  readonly dispensingReports: string[] = [];

  /**
   * The retail pharmacy the prescription was sent to dispenses it and settles with insurance: pooled
   * fund for covered drugs, then the personal account, the rest in cash. Dispensing twice is one.
   */
  async dispense(ctx: AppContext, hiRxNo: string, pharmacyCode?: string): Promise<CentreDispensing> {
    const now = ctx.clock.now();
    return ctx.db.transaction(async (tx) => {
      const [rx] = await this.rowsOf(
        tx,
        sql`SELECT * FROM insurance_sandbox_prescriptions WHERE hi_rx_no = ${hiRxNo} FOR UPDATE`,
      );
      if (!rx) throw new InsuranceError('RX_NOT_FOUND', 'no such prescription at the centre', false);
      if (rx.state === 'dispensed') return recordOf(rx).dispensed!;
      if (rx.state !== 'dispatched' || (pharmacyCode && pharmacyCode !== rx.pharmacy_code))
        throw new InsuranceError('RX_STATE', `prescription is ${rx.state} at the centre`, false);
      const pharmacy = PHARMACIES.find((p) => p.code === rx.pharmacy_code)!;
      await tx.execute(sql`INSERT INTO insurance_sandbox_accounts (person_key, balance_fen, updated_at)
        VALUES (${rx.person_key}, ${INITIAL_BALANCE_FEN}, ${now}) ON CONFLICT (person_key) DO NOTHING`);
      const [acc] = (
        await tx.execute(sql`SELECT balance_fen FROM insurance_sandbox_accounts
          WHERE person_key = ${rx.person_key} FOR UPDATE`)
      ).rows as { balance_fen: number }[];
      const totalFen = Number(rx.total_fen);
      const covered = rx.items
        .filter((i) => !i.drugCode.toUpperCase().startsWith('Z'))
        .reduce((s, i) => s + i.amountFen, 0);
      const fundFen = Math.floor(covered * FUND_RATIO);
      const accountFen = Math.min(acc.balance_fen, totalFen - fundFen);
      const cashFen = totalFen - fundFen - accountFen;
      const settlementNo = `RPS${digest(`${hiRxNo}:settle`).slice(0, 16).toUpperCase()}`;
      await tx.execute(sql`UPDATE insurance_sandbox_accounts SET balance_fen = balance_fen - ${accountFen},
          updated_at = ${now} WHERE person_key = ${rx.person_key}`);
      await tx.execute(sql`INSERT INTO insurance_sandbox_settlements
          (settlement_no, person_key, total_fen, fund_fen, account_fen, cash_fen, state, created_at, updated_at)
        VALUES (${settlementNo}, ${rx.person_key}, ${totalFen}, ${fundFen}, ${accountFen}, ${cashFen},
          'settled', ${now}, ${now})`);
      await tx.execute(sql`INSERT INTO insurance_sandbox_ledger
          (id, person_key, kind, settlement_no, fund_fen, account_fen, institution, created_at)
        VALUES (${newId()}, ${rx.person_key}, 'settle', ${settlementNo}, ${fundFen}, ${accountFen},
          ${pharmacy.name}, ${now})`);
      await tx.execute(sql`UPDATE insurance_sandbox_prescriptions
          SET state = 'dispensed', settlement_no = ${settlementNo}, dispensed_at = ${now},
              total_settled_fen = ${totalFen}, fund_fen = ${fundFen}, account_fen = ${accountFen},
              cash_fen = ${cashFen}, updated_at = ${now}
        WHERE hi_rx_no = ${hiRxNo}`);
      return {
        at: now,
        pharmacyCode: pharmacy.code,
        pharmacyName: pharmacy.name,
        settlementNo,
        totalFen,
        fundFen,
        accountFen,
        cashFen,
      };
    });
  }

  /** Records a person's 门慢门特备案 for a special disease. */
  async fileSpecialDisease(ctx: AppContext, idNumber: string, diseaseCode: string, diseaseName?: string) {
    await ctx.db.execute(sql`INSERT INTO insurance_sandbox_special_disease_filings
        (person_key, disease_code, disease_name, filed_at)
      VALUES (${personKey(idNumber)}, ${diseaseCode}, ${diseaseName ?? null}, ${ctx.clock.now()})
      ON CONFLICT DO NOTHING`);
  }

  /** The centre finds no insurance for this person from now on. */
  markUninsured(idNumber: string) {
    this.uninsured.add(personKey(idNumber));
  }

  private maybeFail() {
    if (this.failing)
      throw new InsuranceError('PRESCRIPTION_CENTRE_UNAVAILABLE', 'sandbox e-prescription centre is down');
  }

  private async get(db: Db, hiRxNo: string): Promise<SandboxRx> {
    const [rx] = await this.rowsOf(
      db,
      sql`SELECT * FROM insurance_sandbox_prescriptions
      WHERE hi_rx_no = ${hiRxNo}`,
    );
    if (!rx) throw new InsuranceError('RX_NOT_FOUND', 'no such prescription at the centre', false);
    return rx;
  }

  private async rowsOf(db: Db, query: ReturnType<typeof sql>): Promise<SandboxRx[]> {
    return (await db.execute(query)).rows as unknown as SandboxRx[];
  }
}

function eligiblePharmacies(rx: SandboxRx): DesignatedPharmacy[] {
  const dual = rx.items.some((i) => i.dualChannel);
  return PHARMACIES.filter(
    (p) => (!dual || p.dualChannel) && (rx.kind !== 'special_disease' || p.specialDisease),
  ).map((p) => ({ ...p, inStock: !(dual && OUT_OF_DUAL_CHANNEL_STOCK.has(p.code)) }));
}

function recordOf(rx: SandboxRx): CentreRecord {
  const pharmacy =
    rx.pharmacy_code === HOSPITAL_PHARMACY
      ? { name: HOSPITAL_PHARMACY_NAME }
      : PHARMACIES.find((p) => p.code === rx.pharmacy_code);
  return {
    state: rx.state,
    pharmacyCode: rx.pharmacy_code,
    pickupCode: rx.pickup_code,
    dispensed:
      rx.state === 'dispensed' && rx.dispensed_at
        ? {
            at: new Date(rx.dispensed_at),
            pharmacyCode: rx.pharmacy_code ?? '',
            pharmacyName: pharmacy?.name ?? rx.pharmacy_code ?? '',
            settlementNo: rx.settlement_no ?? '',
            totalFen: Number(rx.total_settled_fen),
            fundFen: Number(rx.fund_fen),
            accountFen: Number(rx.account_fen),
            cashFen: Number(rx.cash_fen),
          }
        : null,
  };
}

const digest = (s: string) => createHash('sha256').update(`sandbox-rx:${s}`).digest('hex');
const traceOf = (hiRxNo: string) => `RT${digest(`${hiRxNo}:trace`).slice(0, 20).toUpperCase()}`;
const digits = (s: string, n: number) =>
  (BigInt('0x' + digest(s).slice(0, 15)) % 10n ** BigInt(n)).toString().padStart(n, '0');
