import { createHash } from 'node:crypto';
import type { AppConfig } from '../../config.js';
import type { Clock } from '../../platform/clock.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { maskIdNumber, maskPhone } from '../../platform/pii.js';
import { HisError } from './errors.js';
import { HIS_PATHS, HisHttpTransport } from './http.js';

/** One paid bill as the platform reports it to the HIS. */
export interface HisBillRef {
  billNo: string;
  amountFen: number;
}

export interface HisWriteBackRequest {
  /** the platform's payment order number: the HIS's key for this write-back (a retry sends the same) */
  orderNo: string;
  channelTradeNo: string | null;
  amountFen: number;
  paidAt: Date;
  bills: HisBillRef[];
}

export interface HisRefundNotice {
  orderNo: string;
  refundKey: string;
  amountFen: number;
  bills: HisBillRef[];
}

export { HisError } from './errors.js';

/** A patient as the HIS needs them to open a visit (sent over the HIS link only, never logged). */
export interface HisPatientRef {
  id: string;
  name: string;
  gender: string;
  birthDate: string;
  idType: string;
  idNumber: string;
  visitCardNo: string | null;
  /** the patient's own phone, sent with visit_card.bound only (the HIS file keeps a contact number) */
  phone?: string;
}

/**
 * IDN-07: the HIS's own file of the patient behind a visit card, as the platform passes it on. The
 * ID and phone numbers are masked by the adapter: the plain numbers never leave it.
 */
export interface HisPatientInfo {
  hisPatientId: string;
  visitCardNo: string;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  idNumberMasked: string | null;
  phoneMasked: string | null;
  address: string | null;
  /** the card at the HIS: in use, frozen (挂失) or cancelled (注销) */
  cardStatus: 'active' | 'frozen' | 'cancelled';
  insuranceType: 'self_pay' | 'employee' | 'resident';
  allergies: string[];
  /** the day the HIS opened the file (建档日期) */
  fileCreatedOn: string | null;
  /** the last outpatient visit the HIS holds, if any */
  lastVisitOn: string | null;
}

/**
 * Platform → HIS events: things that happened on the platform that the HIS acts on. Each carries an
 * eventId that stays the same on every retry (the HIS's idempotency key).
 */
export interface HisRegistrationRef {
  id: string;
  clinicDate: string;
  shiftCode: string;
  segmentStartAt: string;
  slotNumber: number;
  queueNumber: number | null;
  level: string;
  feeFen: number;
  paid: boolean;
  /** the payment order number of an online payment (registration.paid) */
  orderNo?: string | null;
  paidAt?: string | null;
}

/** An insurance e-prescription (INS-16) as the platform reports it back to the HIS. */
export interface HisPrescriptionRef {
  id: string;
  hisRxNo: string;
  hiRxNo: string | null;
  visitNo: string | null;
  totalFen: number;
  items: {
    drugCode: string;
    name: string;
    spec: string;
    quantity: number;
    unit: string;
    amountFen: number;
  }[];
}

export type HisEvent =
  | {
      type: 'registration.paid';
      eventId: string;
      occurredAt: string;
      registration: HisRegistrationRef;
      patient: HisPatientRef;
      department: { id: string; name: string | null };
      doctor: { id: string; name: string | null; title: string | null };
    }
  | {
      type: 'registration.checked_in';
      eventId: string;
      occurredAt: string;
      registration: HisRegistrationRef;
      patient: HisPatientRef;
      department: { id: string; name: string | null };
      doctor: { id: string; name: string | null; title: string | null };
    }
  | {
      type: 'visit_card.bound';
      eventId: string;
      occurredAt: string;
      patient: HisPatientRef;
    }
  | {
      /** INS-16: the patient chose the hospital pharmacy; the HIS pushes the pharmacy bill */
      type: 'prescription.fill_at_hospital';
      eventId: string;
      occurredAt: string;
      prescription: HisPrescriptionRef;
      patient: HisPatientRef;
    }
  | {
      /** INS-16: a designated retail pharmacy dispensed and settled it with insurance */
      type: 'prescription.dispensed';
      eventId: string;
      occurredAt: string;
      prescription: HisPrescriptionRef;
      patient: HisPatientRef;
      dispensed: {
        at: string;
        pharmacyCode: string | null;
        pharmacyName: string;
        settlementNo: string | null;
        totalFen: number;
        fundFen: number;
        accountFen: number;
        cashFen: number;
      };
    };
export type HisEventType = HisEvent['type'];

/**
 * The outbound HIS interface (the platform confirming to the hospital's own system). Calls are
 * idempotent by the platform's numbers, so a retry after a lost answer is recognised.
 */
export interface HisClient {
  readonly kind: 'sandbox' | 'http';
  /** Payment write-back: the HIS marks the bills paid and returns its receipt number (收费收据号). */
  writeBack(ctx: AppContext, req: HisWriteBackRequest): Promise<{ receiptNo: string }>;
  /** The platform refunded these bills online: the HIS cancels their charges. */
  refundBills(ctx: AppContext, notice: HisRefundNotice): Promise<void>;
  /**
   * A patient's online 退号 (REG-15): the HIS cancels the registration; the platform refunds only
   * after this succeeds. Idempotent by the registration id.
   */
  cancelRegistration(ctx: AppContext, req: HisRegistrationCancel): Promise<void>;
  /** A platform event the HIS acts on (a check-in opens a visit); idempotent by eventId. */
  publishEvent(ctx: AppContext, event: HisEvent): Promise<void>;
  /** IDN-07: the HIS's patient file behind a visit card; null when the HIS has no such card. */
  patientInfo(ctx: AppContext, visitCardNo: string): Promise<HisPatientInfo | null>;
}

export interface HisRegistrationCancel {
  registrationId: string;
  /** the registration's payment order number, when it was paid online */
  orderNo: string | null;
  amountFen: number;
}

export interface HisAdapters {
  his: HisClient;
}

export function buildHisAdapters(config: AppConfig, clock: Clock): HisAdapters {
  switch (config.HIS_PROVIDER) {
    case 'sandbox':
      return { his: new SandboxHis() };
    case 'http':
      return { his: new HttpHis(new HisHttpTransport(config, clock)) };
  }
}

/**
 * The sandbox HIS: records every write-back and refund notice in his_sandbox_calls (the demo and the
 * tests read them there) and can be told to fail, as a real HIS does when it is down.
 */
export class SandboxHis implements HisClient {
  readonly kind = 'sandbox' as const;
  failing = false;

  constructor(opts: { failing?: boolean } = {}) {
    this.failing = opts.failing ?? false;
  }

  async writeBack(ctx: AppContext, req: HisWriteBackRequest): Promise<{ receiptNo: string }> {
    if (this.failing) throw new HisError('HIS_UNAVAILABLE', 'sandbox HIS is down');
    const existing = await ctx.database.raw.query<{ receipt_no: string }>(
      `SELECT receipt_no FROM his_sandbox_calls WHERE kind = 'writeback' AND order_no = $1`,
      [req.orderNo],
    );
    if (existing.rows[0]) return { receiptNo: existing.rows[0].receipt_no };
    const receiptNo = `HR${createHash('sha256').update(req.orderNo).digest('hex').slice(0, 12).toUpperCase()}`;
    await this.record(ctx, 'writeback', req.orderNo, req.amountFen, req.bills, receiptNo);
    return { receiptNo };
  }

  async refundBills(ctx: AppContext, notice: HisRefundNotice): Promise<void> {
    if (this.failing) throw new HisError('HIS_UNAVAILABLE', 'sandbox HIS is down');
    const existing = await ctx.database.raw.query(
      `SELECT 1 FROM his_sandbox_calls WHERE kind = 'refund' AND order_no = $1 AND receipt_no = $2`,
      [notice.orderNo, notice.refundKey],
    );
    if (existing.rows.length) return;
    await this.record(ctx, 'refund', notice.orderNo, notice.amountFen, notice.bills, notice.refundKey);
  }

  async cancelRegistration(ctx: AppContext, req: HisRegistrationCancel): Promise<void> {
    if (this.failing) throw new HisError('HIS_UNAVAILABLE', 'sandbox HIS is down');
    const existing = await ctx.database.raw.query(
      `SELECT 1 FROM his_sandbox_calls WHERE kind = 'registration-cancel' AND receipt_no = $1`,
      [req.registrationId],
    );
    if (existing.rows.length) return;
    await this.record(ctx, 'registration-cancel', req.orderNo ?? '', req.amountFen, [], req.registrationId);
  }

  async publishEvent(ctx: AppContext, event: HisEvent): Promise<void> {
    if (this.failing) throw new HisError('HIS_UNAVAILABLE', 'sandbox HIS is down');
    // filing is idempotent by card, so a binding sent again (after the HIS lost it) files it again
    if (event.type === 'visit_card.bound') await this.fileCard(ctx, event.patient);
    const existing = await ctx.database.raw.query(
      `SELECT 1 FROM his_sandbox_calls WHERE kind = $1 AND receipt_no = $2`,
      [event.type, event.eventId],
    );
    if (existing.rows.length) return;
    const subject = 'registration' in event ? event.registration.id : event.patient.id;
    if (event.type === 'registration.checked_in' && event.patient.visitCardNo)
      await ctx.database.raw.query(
        `UPDATE his_sandbox_patients SET last_visit_on = $2, updated_at = $3 WHERE visit_card_no = $1`,
        [event.patient.visitCardNo.toUpperCase(), event.registration.clinicDate, ctx.clock.now()],
      );
    await this.record(ctx, event.type, subject, 0, [], event.eventId);
  }

  async patientInfo(ctx: AppContext, visitCardNo: string): Promise<HisPatientInfo | null> {
    if (this.failing) throw new HisError('HIS_UNAVAILABLE', 'sandbox HIS is down');
    const r = await ctx.database.raw.query<{
      his_patient_id: string;
      visit_card_no: string;
      name: string;
      gender: 'male' | 'female' | null;
      birth_date: string | null;
      id_number_masked: string | null;
      phone_masked: string | null;
      insurance_type: HisPatientInfo['insuranceType'];
      allergies: string[];
      file_created_on: string;
      last_visit_on: string | null;
    }>(
      `SELECT his_patient_id, visit_card_no, name, gender, birth_date::text AS birth_date, id_number_masked,
              phone_masked, insurance_type, allergies, file_created_on::text AS file_created_on,
              last_visit_on::text AS last_visit_on
         FROM his_sandbox_patients WHERE visit_card_no = $1`,
      [visitCardNo.toUpperCase()],
    );
    const f = r.rows[0];
    if (!f) return null;
    return {
      hisPatientId: f.his_patient_id,
      visitCardNo: f.visit_card_no,
      name: f.name,
      gender: f.gender,
      birthDate: f.birth_date,
      idNumberMasked: f.id_number_masked,
      phoneMasked: f.phone_masked,
      address: null,
      cardStatus: 'active',
      insuranceType: f.insurance_type,
      allergies: f.allergies,
      fileCreatedOn: f.file_created_on,
      lastVisitOn: f.last_visit_on,
    };
  }

  /**
   * The sandbox HIS opens (or updates) its file when told of a bound card. It keeps only masked
   * numbers; the insurance type and allergies are derived from the card so a demo shows variety.
   */
  private async fileCard(ctx: AppContext, p: HisPatientRef) {
    if (!p.visitCardNo) return;
    const cardNo = p.visitCardNo.toUpperCase();
    const n = parseInt(createHash('sha256').update(cardNo).digest('hex').slice(0, 8), 16);
    const insurance = (['self_pay', 'employee', 'resident'] as const)[n % 3];
    const allergies = n % 5 === 0 ? ['青霉素'] : [];
    const now = ctx.clock.now();
    await ctx.database.raw.query(
      `INSERT INTO his_sandbox_patients (visit_card_no, his_patient_id, platform_patient_id, name, gender,
              birth_date, id_number_masked, phone_masked, insurance_type, allergies, file_created_on, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($11::timestamptz AT TIME ZONE $12)::date, $11)
       ON CONFLICT (visit_card_no) DO UPDATE SET platform_patient_id = EXCLUDED.platform_patient_id,
              name = EXCLUDED.name, gender = EXCLUDED.gender, birth_date = EXCLUDED.birth_date,
              id_number_masked = EXCLUDED.id_number_masked,
              phone_masked = COALESCE(EXCLUDED.phone_masked, his_sandbox_patients.phone_masked),
              updated_at = EXCLUDED.updated_at`,
      [
        cardNo,
        `P${cardNo.replace(/^V/, '')}`,
        p.id,
        p.name,
        p.gender === 'male' || p.gender === 'female' ? p.gender : null,
        p.birthDate || null,
        p.idNumber ? maskIdNumber(p.idNumber) : null,
        p.phone ? maskPhone(p.phone) : null,
        insurance,
        allergies,
        now,
        ctx.config.HOSPITAL_TIMEZONE,
      ],
    );
  }

  /** What the sandbox HIS has been told, oldest first (tests and the demo). */
  async calls(ctx: AppContext, orderNo?: string) {
    const r = await ctx.database.raw.query<{
      kind: string;
      bill_nos: string[];
      order_no: string;
      amount_fen: number;
      receipt_no: string | null;
    }>(
      `SELECT kind, bill_nos, order_no, amount_fen, receipt_no FROM his_sandbox_calls
        WHERE ($1::text IS NULL OR order_no = $1) ORDER BY created_at, id`,
      [orderNo ?? null],
    );
    return r.rows.map((x) => ({
      kind: x.kind,
      billNos: x.bill_nos,
      orderNo: x.order_no,
      amountFen: x.amount_fen,
      receiptNo: x.receipt_no,
    }));
  }

  private async record(
    ctx: AppContext,
    kind: string,
    orderNo: string,
    amountFen: number,
    bills: HisBillRef[],
    receiptNo: string,
  ) {
    await ctx.database.raw.query(
      `INSERT INTO his_sandbox_calls (id, kind, bill_nos, order_no, amount_fen, receipt_no, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [newId(), kind, bills.map((b) => b.billNo), orderNo, amountFen, receiptNo, ctx.clock.now()],
    );
  }
}

/**
 * The HIS over HTTP (HIS_PROVIDER=http): each call is a signed JSON POST to HIS_URL following the
 * outbound contract in docs/api.md. The HIS recognises retries by the platform's numbers.
 */
export class HttpHis implements HisClient {
  readonly kind = 'http' as const;

  constructor(private readonly http: HisHttpTransport) {}

  async writeBack(_ctx: AppContext, req: HisWriteBackRequest): Promise<{ receiptNo: string }> {
    const res = await this.http.post<{ receiptNo?: unknown }>(HIS_PATHS.writeBack, {
      orderNo: req.orderNo,
      channelTradeNo: req.channelTradeNo,
      amountFen: req.amountFen,
      paidAt: req.paidAt.toISOString(),
      bills: req.bills,
    });
    if (typeof res.receiptNo !== 'string' || !res.receiptNo)
      throw new HisError('HIS_BAD_ANSWER', 'HIS write-back answer has no receiptNo');
    return { receiptNo: res.receiptNo.slice(0, 64) };
  }

  async refundBills(_ctx: AppContext, notice: HisRefundNotice): Promise<void> {
    await this.http.post(HIS_PATHS.refundBills, notice);
  }

  async cancelRegistration(_ctx: AppContext, req: HisRegistrationCancel): Promise<void> {
    await this.http.post(HIS_PATHS.cancelRegistration, req);
  }

  async publishEvent(_ctx: AppContext, event: HisEvent): Promise<void> {
    await this.http.post(HIS_PATHS.events, event);
  }

  async patientInfo(_ctx: AppContext, visitCardNo: string): Promise<HisPatientInfo | null> {
    let res: Record<string, unknown>;
    try {
      res = await this.http.post(HIS_PATHS.patientInfo, { visitCardNo });
    } catch (err) {
      if (err instanceof HisError && err.code === 'CARD_UNKNOWN') return null;
      throw err;
    }
    const text = (k: string) => (typeof res[k] === 'string' && res[k] ? (res[k] as string) : null);
    const hisPatientId = text('hisPatientId');
    const name = text('name');
    if (!hisPatientId || !name) throw new HisError('HIS_BAD_ANSWER', 'HIS patient answer has no id or name');
    const oneOf = <T extends string>(v: unknown, allowed: readonly T[], fallback: T): T =>
      allowed.includes(v as T) ? (v as T) : fallback;
    const idNumber = text('idNumber');
    const phone = text('phone');
    const date = (k: string) => {
      const v = text(k);
      return v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;
    };
    return {
      hisPatientId: hisPatientId.slice(0, 64),
      visitCardNo: (text('visitCardNo') ?? visitCardNo).toUpperCase(),
      name: name.slice(0, 60),
      gender: res.gender === 'male' || res.gender === 'female' ? res.gender : null,
      birthDate: date('birthDate'),
      // the HIS sends the numbers in full; they are masked here, before anything else sees them
      idNumberMasked: idNumber ? maskIdNumber(idNumber) : null,
      phoneMasked: phone ? maskPhone(phone) : null,
      address: text('address')?.slice(0, 200) ?? null,
      cardStatus: oneOf(res.cardStatus, ['active', 'frozen', 'cancelled'] as const, 'active'),
      insuranceType: oneOf(res.insuranceType, ['self_pay', 'employee', 'resident'] as const, 'self_pay'),
      allergies: Array.isArray(res.allergies)
        ? res.allergies.filter((a): a is string => typeof a === 'string').slice(0, 20)
        : [],
      fileCreatedOn: date('fileCreatedOn'),
      lastVisitOn: date('lastVisitOn'),
    };
  }
}
