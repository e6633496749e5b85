import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DIAGNOSES,
  DRUGS,
  IMAGING,
  LAB,
  LAB_PANELS,
  PHARMACY,
  RX_PLANS,
  WARD_DAILY,
  WARDS,
  referenceRangeFor,
  subjectOf,
  type Indicator,
  type LabPanel,
  type Subject,
} from './catalogue.js';
import { sameSignature, sign, signedHeaders } from './signing.js';

// =============================================================================================
// Options and state
// =============================================================================================

export interface HisSimTimings {
  /** check-in → the visit is opened and its orders (bills) placed */
  orderMs: number;
  /** HIS write-back → the drugs are dispensed; null: only when told (execute()) */
  dispenseMs: number | null;
  /** HIS write-back → the lab test or exam is performed; null: only when told */
  performMs: number | null;
  /** performed → its report is published */
  reportMs: number;
  /** check-in → admission, for the share `admissionRate` of check-ins */
  admitMs: number;
  /** one simulated inpatient day (its charges are pushed at its end); null: only when told (nextDay()) */
  dayMs: number | null;
  /** delay before the simulator retries a push the platform could not take */
  retryMs: number;
}

export interface HisSimOptions {
  /** the platform, e.g. http://127.0.0.1:3000 (may be set later with connect()) */
  platformUrl?: string;
  /** the integration channel the simulator signs its pushes with */
  channel?: { appId: string; secret: string };
  /** verifies the platform's calls (the platform's HIS_SECRET); null accepts unsigned calls */
  platformSecret?: string | null;
  /** the app id the platform signs with (default qingnang) */
  platformAppId?: string;
  seed?: number;
  port?: number;
  host?: string;
  timings?: Partial<HisSimTimings>;
  /** share of check-ins admitted as inpatients (0..1, default 0.1) */
  admissionRate?: number;
  /** inpatient days before discharge (default 3) */
  stayDays?: number;
  /**
   * Share of insured check-ins (patients with an ID number and a visit card) whose doctor also signs
   * an insurance e-prescription (医保电子处方, INS-16) pushed to the platform (0..1, default 0: the
   * channel needs the his.prescriptions.push operation).
   */
  prescriptionRate?: number;
  /**
   * Write-backs and refund notices for bills the simulator did not order are taken as its own
   * (default false: refused with BILL_UNKNOWN, as a real HIS does). The demo turns it on, because
   * bills may also be pushed there by other channels (the browser tests, someone trying the API).
   */
  adoptUnknownBills?: boolean;
  /** chance that a numeric indicator is out of range (default 0.15) */
  abnormalRate?: number;
  /** the simulator's clock (default: the wall clock corrected by the platform's answers) */
  now?: () => Date;
  log?: (msg: string, detail?: Record<string, unknown>) => void;
}

export const DEFAULT_TIMINGS: HisSimTimings = {
  orderMs: 5_000,
  dispenseMs: 90_000,
  performMs: 120_000,
  reportMs: 60_000,
  admitMs: 15_000,
  dayMs: 180_000,
  retryMs: 2_000,
};

export const DEFAULT_PLATFORM_SECRET = 'qingnang-demo-his-outbound-secret';

export type BillKind = 'prescription' | 'lab' | 'exam';

export interface SimPatient {
  name: string;
  idNumber?: string;
  visitCardNo?: string | null;
  gender?: string;
  /** YYYY-MM-DD, when the platform sent it */
  birthDate?: string;
}

export interface SimBill {
  billNo: string;
  visitNo: string;
  kind: BillKind;
  title: string;
  amountFen: number;
  execDepartment: string;
  execLocation: string;
  items: {
    code: string;
    name: string;
    spec?: string;
    unit?: string;
    quantity: number;
    unitPriceFen: number;
    amountFen: number;
  }[];
  /** ordered → paid (written back) → refunded */
  state: 'ordered' | 'paid' | 'refunded';
  /** a bill another channel pushed to the platform, adopted at its write-back (adoptUnknownBills) */
  foreign?: boolean;
  execution: 'none' | 'dispensed' | 'performed';
  orderNo?: string;
  receiptNo?: string;
  panels?: string[];
  examCode?: string;
  reportNo?: string;
  /** the pharmacy bill of an insurance e-prescription filled at the hospital */
  hisRxNo?: string;
}

/** An insurance e-prescription the simulated doctor signed (or the platform told about). */
export interface SimPrescription {
  hisRxNo: string;
  visitNo: string | null;
  patient: SimPatient;
  kind: 'ordinary' | 'special_disease';
  specialDisease?: { code: string; name: string };
  items: { drugCode: string; name: string; quantity: number; unitPriceFen: number; dualChannel: boolean }[];
  totalFen: number;
  /** issued → at_hospital (the patient chose the hospital pharmacy; billed) → dispensed; or revoked */
  state: 'issued' | 'at_hospital' | 'dispensed' | 'revoked';
  /** the pharmacy bill pushed when the patient chose the hospital pharmacy */
  billNo?: string;
  /** who dispensed it: the hospital pharmacy or, as the platform reported, a retail pharmacy */
  dispensedBy?: string;
}

/** The HIS's patient file (建档) behind a visit card: what the platform's IDN-07 query reads. */
export interface SimPatientFile {
  hisPatientId: string;
  visitCardNo: string;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  /** the HIS holds the full numbers (the platform masks them before a patient sees them) */
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  cardStatus: 'active' | 'frozen' | 'cancelled';
  insuranceType: 'self_pay' | 'employee' | 'resident';
  allergies: string[];
  fileCreatedOn: string;
  lastVisitOn: string | null;
  /** the platform's patient the card was last bound to (visit_card.bound) */
  platformPatientId: string | null;
}

export interface SimVisit {
  visitNo: string;
  registrationId: string;
  visitDate: string;
  patient: SimPatient;
  department: string | null;
  doctor: string | null;
  billNos: string[];
}

export interface SimReport {
  reportNo: string;
  billNo: string;
  kind: 'lab' | 'exam';
  title: string;
  flagged: { code: string; flag: string }[];
}

export interface SimAdmission {
  admissionNo: string;
  patient: SimPatient;
  ward: string;
  admittedAt: string;
  days: number;
  totalFen: number;
  discharged: boolean;
  /** discharge settlements reversed (撤销出院结算), oldest first */
  reversals: { reversalNo: string; reason: string; at: string }[];
}

/** The platform's call as the simulator received it (bodies kept for inspection). */
export interface ReceivedCall {
  path: string;
  body: Record<string, any>;
  status: number;
  at: string;
}

export interface HisSim {
  url: string;
  port: number;
  /** points the simulator at a platform and its channel (when not known at creation) */
  connect(platformUrl: string, channel: { appId: string; secret: string }): void;
  /** resolves when no scheduled work is left (the pushes it planned have been made) */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** fault injection: failing answers the simulator gives the platform */
  faults: {
    writeBackFailures: number;
    eventFailures: number;
    refundFailures: number;
    /** the next N patient-information queries answer 503 */
    patientInfoFailures: number;
  };
  /** executes a paid bill now (dispensed or performed); its report follows after reportMs */
  execute(billNo: string): Promise<void>;
  /** admits a patient now (as the ward's admission office does) */
  admit(patient: SimPatient): Promise<SimAdmission>;
  /** ends an inpatient day now (its charges are pushed); after the last day, discharges */
  nextDay(admissionNo: string): Promise<void>;
  /** the doctor revokes an insurance e-prescription in the HIS (the platform is told) */
  revokePrescription(hisRxNo: string, reason: string): Promise<void>;
  /**
   * 撤销出院结算: the inpatient billing office reverses a discharged stay's settlement (the platform is
   * told with a new reversal number, unless one is given to repeat a push); the stay is open again, and
   * the next `nextDay` discharges it again. Answers the platform's reply.
   */
  reverseDischarge(
    admissionNo: string,
    opts?: { reason?: string; reversalNo?: string },
  ): Promise<{ reversalNo: string; reply: any }>;
  readonly state: {
    received: ReceivedCall[];
    visits: Map<string, SimVisit>;
    bills: Map<string, SimBill>;
    writeBacks: Map<string, { receiptNo: string; billNos: string[]; amountFen: number }>;
    refunds: Map<string, { orderNo: string; billNos: string[]; amountFen: number }>;
    cancellations: Map<string, { orderNo: string | null; amountFen: number }>;
    /** 挂号 records from registration.paid events, cancelled by the platform's cancellations */
    registrations: Map<
      string,
      {
        patient: SimPatient;
        clinicDate: string;
        department: string | null;
        orderNo: string | null;
        cancelled: boolean;
      }
    >;
    deposits: Map<string, { admissionNo: string; amountFen: number; hisReceiptNo: string }>;
    settlements: { admissionNo: string; kind: string; amountFen: number }[];
    admissions: Map<string, SimAdmission>;
    reports: Map<string, SimReport>;
    prescriptions: Map<string, SimPrescription>;
    /** patient files by visit card number, opened by visit_card.bound (or a visit naming the card) */
    patients: Map<string, SimPatientFile>;
    /** pushes the platform refused for good, or that kept failing */
    errors: string[];
  };
  /** a summary for the /sim/state control endpoint and logs */
  summary(): Record<string, unknown>;
}

// =============================================================================================
// Deterministic randomness
// =============================================================================================

/** mulberry32 seeded from (seed, key): the same seed and key always give the same sequence. */
export function rngFor(seed: number, key: string): () => number {
  let a = createHash('sha256').update(`${seed}:${key}`).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];
function pickSome<T>(r: () => number, xs: T[], min: number, max: number): T[] {
  const n = min + Math.floor(r() * (max - min + 1));
  const pool = [...xs];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(r() * pool.length), 1)[0]);
  return out;
}

/**
 * One indicator's result for a subject: inside the reference range that applies to their sex and
 * age, or (with probability `abnormal`) outside it; the flag and the range reported are that range's.
 */
export function observe(r: () => number, indicator: Indicator, abnormal: number, who: Subject = {}) {
  const ind = { ...indicator, ...referenceRangeFor(indicator, who) };
  if (ind.qualitative) {
    const bad = r() < abnormal;
    return {
      value: bad ? pick(r, ind.qualitative.abnormal) : ind.qualitative.normal,
      refText: ind.qualitative.normal,
      flag: bad ? ('H' as const) : ('N' as const),
    };
  }
  const low = ind.low ?? 0;
  const high = ind.high ?? low * 2 + 1;
  const span = high - low;
  let v: number;
  let flag: 'H' | 'L' | 'N' = 'N';
  if (r() < abnormal) {
    const goLow = ind.low !== undefined && ind.low > 0 && (ind.high === undefined || r() < 0.35);
    if (goLow) {
      v = low - span * (0.05 + r() * 0.25);
      if (v <= 0) v = low * (0.5 + r() * 0.4);
      flag = 'L';
    } else {
      v = high + span * (0.08 + r() * 0.6);
      flag = 'H';
    }
  } else {
    v = low + span * (0.1 + r() * 0.8);
  }
  const digits = ind.digits ?? 2;
  const f = 10 ** digits;
  v = Math.round(v * f) / f;
  // rounding must not carry a value across the limit
  if (flag === 'N') v = Math.min(Math.max(v, low), high);
  if (flag === 'H' && ind.high !== undefined && v <= ind.high) v = ind.high + 1 / f;
  if (flag === 'L' && ind.low !== undefined && v >= ind.low) v = ind.low - 1 / f;
  return { value: Number(v.toFixed(digits)), refLow: ind.low, refHigh: ind.high, unit: ind.unit, flag };
}

// =============================================================================================
// The simulator
// =============================================================================================

class PushRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`platform answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/**
 * Starts the simulated HIS/LIS/PACS: an HTTP server taking the platform's outbound calls (the
 * contract in docs/api.md) and a driver that pushes to the platform's signed integration API the
 * way a hospital's systems do. Deterministic for a seed and an order of events.
 */
export async function createHisSim(opts: HisSimOptions = {}): Promise<HisSim> {
  const timings: HisSimTimings = { ...DEFAULT_TIMINGS, ...opts.timings };
  const seed = opts.seed ?? 20261123;
  const admissionRate = opts.admissionRate ?? 0.1;
  const stayDays = opts.stayDays ?? 3;
  const prescriptionRate = opts.prescriptionRate ?? 0;
  const abnormalRate = opts.abnormalRate ?? 0.15;
  const adoptUnknownBills = opts.adoptUnknownBills ?? false;
  const adopt = (billNo: string, amountFen: number): SimBill => {
    const b: SimBill = {
      billNo,
      visitNo: '',
      kind: 'prescription',
      title: '外部单据',
      amountFen,
      execDepartment: '',
      execLocation: '',
      items: [],
      state: 'ordered',
      execution: 'none',
      foreign: true,
    };
    state.bills.set(billNo, b);
    return b;
  };
  const platformSecret = opts.platformSecret === undefined ? DEFAULT_PLATFORM_SECRET : opts.platformSecret;
  const platformAppId = opts.platformAppId ?? 'qingnang';
  const log = opts.log ?? (() => undefined);
  let platformUrl = opts.platformUrl?.replace(/\/$/, '');
  let channel = opts.channel;
  let skewMs = 0;
  const now = opts.now ?? (() => new Date(Date.now() + skewMs));

  const state: HisSim['state'] = {
    received: [],
    visits: new Map(),
    bills: new Map(),
    writeBacks: new Map(),
    refunds: new Map(),
    cancellations: new Map(),
    registrations: new Map(),
    deposits: new Map(),
    settlements: [],
    admissions: new Map(),
    reports: new Map(),
    prescriptions: new Map(),
    patients: new Map(),
    errors: [],
  };
  const events = new Map<string, { visitNo?: string; billNo?: string; hisPatientId?: string }>();
  const faults = { writeBackFailures: 0, eventFailures: 0, refundFailures: 0, patientInfoFailures: 0 };
  const seenNonces = new Map<string, number>();
  let visitSeq = 0;
  let admissionSeq = 0;
  let receiptSeq = 0;
  let closed = false;

  // ------------------------------------------------------------------ scheduled work
  let pending = 0;
  let waiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const settle = () => {
    if (pending > 0) return;
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  };
  function later(ms: number, label: string, fn: () => Promise<void>) {
    if (closed) return;
    pending++;
    const timer = setTimeout(async () => {
      timers.delete(timer);
      try {
        if (!closed) await fn();
      } catch (err) {
        const msg = `${label}: ${(err as Error).message}`;
        state.errors.push(msg);
        log('push failed', { label, error: (err as Error).message });
      } finally {
        pending--;
        settle();
      }
    }, ms);
    timers.add(timer);
  }

  // ------------------------------------------------------------------ pushes to the platform
  const dateOf = (d: Date) => {
    const local = new Date(d.getTime() + 8 * 3600_000); // the hospital's day (China Standard Time)
    return local.toISOString().slice(0, 10);
  };

  async function push(path: string, body: unknown): Promise<any> {
    if (!platformUrl || !channel) throw new Error('his-sim is not connected to a platform');
    const raw = JSON.stringify(body);
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= 5; attempt++) {
      if (closed) throw new Error('his-sim closed');
      const headers = signedHeaders(
        channel.appId,
        channel.secret,
        'POST',
        path,
        raw,
        Math.floor(now().getTime() / 1000),
        randomBytes(12).toString('hex'),
      );
      let res: Response;
      try {
        res = await fetch(platformUrl + path, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: raw,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        lastError = err as Error;
        await sleep(timings.retryMs * attempt);
        continue;
      }
      const text = await res.text();
      const parsed = text ? safeJson(text) : {};
      if (res.ok) return parsed;
      if (res.status === 401 && parsed?.code === 'TIMESTAMP_STALE' && !opts.now) {
        // the platform's clock differs from ours: sign with its time from now on
        const serverTime = Number(parsed?.details?.serverTime);
        if (Number.isFinite(serverTime)) skewMs = serverTime * 1000 - Date.now();
        continue;
      }
      if (res.status >= 500 || res.status === 429) {
        lastError = new PushRefused(res.status, parsed);
        await sleep(timings.retryMs * attempt);
        continue;
      }
      throw new PushRefused(res.status, parsed);
    }
    throw lastError ?? new Error('push failed');
  }

  // ------------------------------------------------------------------ the HIS's own behaviour
  /** After a check-in: open the visit and place the doctor's orders (drugs, lab tests, maybe imaging). */
  function openVisit(ev: any): string {
    const n = ++visitSeq;
    const r = rngFor(seed, `visit:${n}`);
    const visitDate = ev.registration?.clinicDate ?? dateOf(now());
    const visitNo = `MZ${visitDate.replace(/-/g, '')}${String(n).padStart(5, '0')}`;
    events.set(ev.eventId, { visitNo });
    const patient: SimPatient = {
      name: ev.patient.name,
      idNumber: ev.patient.idNumber ?? undefined,
      visitCardNo: ev.patient.visitCardNo ?? null,
      gender: ev.patient.gender,
      ...(ev.patient.birthDate ? { birthDate: ev.patient.birthDate } : {}),
    };
    const visit: SimVisit = {
      visitNo,
      registrationId: ev.registration?.id,
      visitDate,
      patient,
      department: ev.department?.name ?? null,
      doctor: ev.doctor?.name ?? null,
      billNos: [],
    };
    state.visits.set(visitNo, visit);
    const bills = planOrders(r, visitNo);
    // a separate sequence, so that turning prescriptions on leaves the other orders as they were
    const rxRandom = rngFor(seed, `prescription:${visitNo}`);
    const insured = !!(patient.idNumber && patient.visitCardNo);
    const rx = insured && rxRandom() < prescriptionRate ? planPrescription(rxRandom, visit, ev) : undefined;
    later(timings.orderMs, `visit ${visitNo}`, async () => {
      await push('/api/integration/v1/his/visits', {
        visitNo,
        visitDate,
        ...(visit.department ? { departmentName: visit.department.slice(0, 50) } : {}),
        ...(visit.doctor ? { doctorName: visit.doctor.slice(0, 50) } : {}),
        patient: patientRef(patient),
      });
      for (const b of bills) {
        state.bills.set(b.billNo, b);
        visit.billNos.push(b.billNo);
      }
      await push('/api/integration/v1/his/bills', {
        visitNo,
        bills: bills.map((b) => ({
          billNo: b.billNo,
          kind: b.kind,
          title: b.title,
          execDepartment: b.execDepartment,
          execLocation: b.execLocation,
          billedAt: now().toISOString(),
          items: b.items,
        })),
      });
      log('visit opened with orders', { visitNo, bills: bills.length });
      if (rx) later(0, `e-prescription ${rx.body.hisRxNo}`, () => pushPrescription(rx));
    });
    if (r() < admissionRate)
      later(timings.admitMs, `admission after ${visitNo}`, async () => void (await admit(patient)));
    return visitNo;
  }

  type PlannedPrescription = { sim: SimPrescription; body: Record<string, unknown> };

  /** The insurance e-prescription the doctor signs at the visit: a chronic disease's, or a targeted drug's. */
  function planPrescription(r: () => number, visit: SimVisit, ev: any): PlannedPrescription {
    const plan = pick(r, RX_PLANS);
    const drugs = pickSome(r, plan.drugs, 1, Math.min(3, plan.drugs.length));
    const items = drugs.map((d) => {
      const days = d.dualChannel && d.priceFen > 100_000 ? 30 : pick(r, [14, 28, 30]);
      return {
        drugCode: d.code,
        name: d.name,
        spec: d.spec,
        dosageForm: d.dosageForm,
        quantity: d.priceFen > 100_000 ? 1 : 1 + Math.floor(r() * 3),
        unit: d.unit,
        unitPriceFen: d.priceFen,
        dose: d.dose,
        frequency: d.frequency,
        route: d.route,
        days,
        dualChannel: d.dualChannel,
      };
    });
    const hisRxNo = `${visit.visitNo}-YB1`;
    const doctorCode = String(ev.doctor?.id ?? 'DOC0001');
    const kind = plan.specialDisease ? ('special_disease' as const) : ('ordinary' as const);
    const body = {
      hisRxNo,
      visitNo: visit.visitNo,
      visitCardNo: visit.patient.visitCardNo,
      patientName: visit.patient.name,
      doctor: {
        code: doctorCode,
        name: (visit.doctor ?? '门诊医生').slice(0, 50),
        // 医保医师代码: D + 12 digits, stable per doctor
        insuranceDoctorCode: `D${digitsOf(doctorCode, 12)}`,
      },
      department: {
        code: String(ev.department?.id ?? 'DEPT0001'),
        name: (visit.department ?? '门诊').slice(0, 50),
      },
      issuedAt: now().toISOString(),
      // long prescriptions of 门诊慢特病 stay open a week, others the usual three days
      validDays: kind === 'special_disease' ? 7 : 3,
      kind,
      ...(plan.specialDisease ? { specialDisease: plan.specialDisease } : {}),
      diagnoses: plan.diagnoses,
      items,
      reviewedBy: pick(r, ['李娟', '孙海燕', '周强']),
    };
    const sim: SimPrescription = {
      hisRxNo,
      visitNo: visit.visitNo,
      patient: visit.patient,
      kind,
      ...(plan.specialDisease ? { specialDisease: plan.specialDisease } : {}),
      items: items.map((i) => ({
        drugCode: i.drugCode,
        name: i.name,
        quantity: i.quantity,
        unitPriceFen: i.unitPriceFen,
        dualChannel: i.dualChannel,
      })),
      totalFen: items.reduce((sum, i) => sum + i.quantity * i.unitPriceFen, 0),
      state: 'issued',
    };
    return { sim, body };
  }

  async function pushPrescription(rx: PlannedPrescription) {
    state.prescriptions.set(rx.sim.hisRxNo, rx.sim);
    await push('/api/integration/v1/prescriptions', rx.body);
    log('e-prescription pushed', { hisRxNo: rx.sim.hisRxNo, kind: rx.sim.kind });
  }

  async function revokePrescription(hisRxNo: string, reason: string) {
    const rx = state.prescriptions.get(hisRxNo);
    if (!rx) throw new Error(`unknown prescription ${hisRxNo}`);
    await push(`/api/integration/v1/prescriptions/${encodeURIComponent(hisRxNo)}/revoke`, { reason });
    rx.state = 'revoked';
  }

  /**
   * The patient chose the hospital pharmacy: the HIS bills the prescription's drugs through the
   * normal bill push (paid like any outpatient bill); dispensing it tells the platform.
   */
  async function billPrescription(ref: any, patient: SimPatient, billNo: string) {
    if (state.bills.has(billNo)) return;
    const own = state.prescriptions.get(ref.hisRxNo);
    let visitNo: string | null = ref.visitNo ?? own?.visitNo ?? null;
    if (!visitNo) {
      // a prescription without a visit of ours: the pharmacy opens one to bill it
      const n = ++visitSeq;
      const visitDate = dateOf(now());
      visitNo = `MZ${visitDate.replace(/-/g, '')}${String(n).padStart(5, '0')}`;
      await push('/api/integration/v1/his/visits', {
        visitNo,
        visitDate,
        departmentName: PHARMACY.department,
        patient: patientRef(patient),
      });
      state.visits.set(visitNo, {
        visitNo,
        registrationId: '',
        visitDate,
        patient,
        department: PHARMACY.department,
        doctor: null,
        billNos: [],
      });
    }
    const items: SimBill['items'] = ref.items.map((i: any) => ({
      code: i.drugCode,
      name: i.name,
      spec: i.spec,
      unit: i.unit,
      quantity: i.quantity,
      unitPriceFen: Math.round(i.amountFen / i.quantity),
      amountFen: i.amountFen,
    }));
    const b: SimBill = {
      billNo,
      visitNo,
      kind: 'prescription',
      title: '医保电子处方（院内取药）',
      amountFen: items.reduce((sum, i) => sum + i.amountFen, 0),
      execDepartment: PHARMACY.department,
      execLocation: PHARMACY.location,
      items,
      state: 'ordered',
      execution: 'none',
      hisRxNo: ref.hisRxNo,
    };
    await push('/api/integration/v1/his/bills', {
      visitNo,
      bills: [
        {
          billNo,
          kind: b.kind,
          title: b.title,
          execDepartment: b.execDepartment,
          execLocation: b.execLocation,
          billedAt: now().toISOString(),
          items,
        },
      ],
    });
    state.bills.set(billNo, b);
    state.visits.get(visitNo)?.billNos.push(billNo);
    const rx: SimPrescription = own ?? {
      hisRxNo: ref.hisRxNo,
      visitNo,
      patient,
      kind: 'ordinary',
      items: ref.items.map((i: any) => ({
        drugCode: i.drugCode,
        name: i.name,
        quantity: i.quantity,
        unitPriceFen: Math.round(i.amountFen / i.quantity),
        dualChannel: false,
      })),
      totalFen: b.amountFen,
      state: 'issued',
    };
    rx.state = 'at_hospital';
    rx.billNo = billNo;
    state.prescriptions.set(rx.hisRxNo, rx);
    log('e-prescription billed at the hospital pharmacy', { hisRxNo: rx.hisRxNo, billNo });
  }

  function planOrders(r: () => number, visitNo: string): SimBill[] {
    const out: SimBill[] = [];
    const drugs = pickSome(r, DRUGS, 1, 3);
    const drugItems = drugs.map((d) => {
      const quantity = 1 + Math.floor(r() * 2);
      return {
        code: d.code,
        name: d.name,
        spec: d.spec,
        unit: d.unit,
        quantity,
        unitPriceFen: d.priceFen,
        amountFen: quantity * d.priceFen,
      };
    });
    out.push(
      bill(visitNo, 'CF1', 'prescription', '西药处方', PHARMACY.department, PHARMACY.location, drugItems),
    );
    const panels = pickSome(r, LAB_PANELS, 1, 3);
    const lab = bill(
      visitNo,
      'JY1',
      'lab',
      '检验申请单',
      LAB.department,
      LAB.location,
      panels.map((p) => ({
        code: p.code,
        name: p.name,
        unit: '项',
        quantity: 1,
        unitPriceFen: p.priceFen,
        amountFen: p.priceFen,
      })),
    );
    lab.panels = panels.map((p) => p.code);
    out.push(lab);
    if (r() < 0.5) {
      const ex = pick(r, IMAGING);
      const exam = bill(visitNo, 'JC1', 'exam', '检查申请单', ex.department, ex.location, [
        {
          code: ex.code,
          name: ex.name,
          unit: '次',
          quantity: 1,
          unitPriceFen: ex.priceFen,
          amountFen: ex.priceFen,
        },
      ]);
      exam.examCode = ex.code;
      out.push(exam);
    }
    return out;
  }

  function bill(
    visitNo: string,
    suffix: string,
    kind: BillKind,
    title: string,
    execDepartment: string,
    execLocation: string,
    items: SimBill['items'],
  ): SimBill {
    return {
      billNo: `${visitNo}-${suffix}`,
      visitNo,
      kind,
      title,
      amountFen: items.reduce((s, i) => s + i.amountFen, 0),
      execDepartment,
      execLocation,
      items,
      state: 'ordered',
      execution: 'none',
    };
  }

  /** The pharmacy dispenses, or the lab/exam room performs, a paid bill. */
  async function execute(billNo: string) {
    const b = state.bills.get(billNo);
    if (!b) throw new Error(`unknown bill ${billNo}`);
    if (b.state !== 'paid' || b.execution !== 'none') return;
    const status = b.kind === 'prescription' ? 'dispensed' : 'performed';
    b.execution = status; // from now on the HIS refuses to cancel it
    await push(`/api/integration/v1/his/bills/${encodeURIComponent(billNo)}/execution`, {
      status,
      executedAt: now().toISOString(),
    });
    log('bill executed', { billNo, status });
    if (b.hisRxNo) {
      // the hospital pharmacy dispensed an insurance e-prescription: the platform closes it
      await push(`/api/integration/v1/prescriptions/${encodeURIComponent(b.hisRxNo)}/dispensed`, {});
      const rx = state.prescriptions.get(b.hisRxNo);
      if (rx) {
        rx.state = 'dispensed';
        rx.dispensedBy = PHARMACY.department;
      }
    }
    if (b.kind !== 'prescription' && !b.foreign)
      later(timings.reportMs, `report of ${billNo}`, () => publishReport(b));
  }

  async function publishReport(b: SimBill) {
    const visit = state.visits.get(b.visitNo)!;
    const r = rngFor(seed, `report:${b.billNo}`);
    const reportedAt = now().toISOString();
    if (b.kind === 'lab') {
      const panels = (b.panels ?? [])
        .map((c) => LAB_PANELS.find((p) => p.code === c))
        .filter(Boolean) as LabPanel[];
      // the ranges (and so the flags) of the patient's sex and age
      const who = subjectOf(visit.patient, now());
      const observations = panels.flatMap((p) =>
        p.indicators.map((ind) => {
          const o = observe(r, ind, abnormalRate, who);
          return {
            code: ind.code,
            name: ind.name,
            value: o.value,
            ...('unit' in o && o.unit ? { unit: o.unit } : {}),
            ...('refLow' in o && o.refLow !== undefined ? { refLow: o.refLow } : {}),
            ...('refHigh' in o && o.refHigh !== undefined ? { refHigh: o.refHigh } : {}),
            ...('refText' in o ? { refText: o.refText } : {}),
            flag: o.flag,
            section: p.name,
          };
        }),
      );
      const reportNo = `LIS-${b.billNo}`;
      const title = panels.map((p) => p.name).join(' + ') || '检验报告';
      await push('/api/integration/v1/his/lis/reports', {
        reportNo,
        kind: 'lab',
        patient: patientRef(visit.patient),
        title: title.slice(0, 100),
        department: LAB.department,
        setting: 'outpatient',
        reportedAt,
        status: 'final',
        observations,
        sections: panels.map((p) => ({ name: p.name.slice(0, 50) })),
      });
      b.reportNo = reportNo;
      const flagged = observations.filter((o) => o.flag !== 'N').map((o) => ({ code: o.code, flag: o.flag }));
      state.reports.set(reportNo, { reportNo, billNo: b.billNo, kind: 'lab', title, flagged });
      log('lab report published', { reportNo, flagged: flagged.length });
      return;
    }
    const ex = IMAGING.find((e) => e.code === b.examCode) ?? IMAGING[0];
    const abnormal = r() < abnormalRate * 2;
    const reportNo = `PACS-${b.billNo}`;
    await push('/api/integration/v1/his/pacs/reports', {
      reportNo,
      kind: 'exam',
      patient: patientRef(visit.patient),
      title: ex.name,
      department: ex.department,
      setting: 'outpatient',
      reportedAt,
      status: 'final',
      conclusion: abnormal ? pick(r, ex.findings.abnormal) : ex.findings.normal,
      imageStudyUid: `1.2.156.112605.${seed}.${visitSeq}.${Math.floor(r() * 1e9)}`,
    });
    b.reportNo = reportNo;
    state.reports.set(reportNo, {
      reportNo,
      billNo: b.billNo,
      kind: 'exam',
      title: ex.name,
      flagged: abnormal ? [{ code: ex.code, flag: 'abnormal' }] : [],
    });
  }

  /** Admission, then a charge list per simulated day, then discharge after `stayDays`. */
  async function admit(patient: SimPatient): Promise<SimAdmission> {
    const n = ++admissionSeq;
    const r = rngFor(seed, `admission:${n}`);
    const admittedAt = now();
    const admissionNo = `ZY${dateOf(admittedAt).replace(/-/g, '')}${String(n).padStart(4, '0')}`;
    const a: SimAdmission = {
      admissionNo,
      patient,
      ward: pick(r, WARDS),
      admittedAt: admittedAt.toISOString(),
      days: 0,
      totalFen: 0,
      discharged: false,
      reversals: [],
    };
    const diagnosis = pick(r, DIAGNOSES);
    await push('/api/integration/v1/his/admissions', {
      admissionNo,
      name: patient.name,
      ...(patient.idNumber ? { idNumber: patient.idNumber } : {}),
      ...(patient.visitCardNo ? { visitCardNo: patient.visitCardNo } : {}),
      ward: a.ward,
      bed: `${10 + Math.floor(r() * 30)}床`,
      attendingDoctor: pick(r, ['王建国', '刘芳', '陈明', '赵丽华']),
      diagnoses: [diagnosis],
      admittedAt: a.admittedAt,
    });
    state.admissions.set(admissionNo, a);
    log('patient admitted', { admissionNo, ward: a.ward });
    if (timings.dayMs !== null) later(timings.dayMs, `day 1 of ${admissionNo}`, () => nextDay(admissionNo));
    return a;
  }

  /** Pushes the charges of the admission's next day; after `stayDays` days, discharges instead. */
  async function nextDay(admissionNo: string) {
    const a = state.admissions.get(admissionNo);
    if (!a) throw new Error(`unknown admission ${admissionNo}`);
    if (a.discharged) return;
    if (a.days >= stayDays) return discharge(a);
    const r = rngFor(seed, `${admissionNo}:day:${a.days + 1}`);
    const dayIndex = a.days;
    const date = dateOf(new Date(Date.parse(a.admittedAt) + dayIndex * 86_400_000));
    const lines = WARD_DAILY.filter((c, i) => i < 3 || r() < 0.6).map((c) => {
      const quantity = c.category === '西药费' ? 1 + Math.floor(r() * 2) : 1;
      return {
        lineId: `${admissionNo}-D${dayIndex + 1}-${c.code}`,
        date,
        itemCode: c.code,
        itemName: c.name,
        category: c.category,
        quantity,
        unit: c.unit,
        amountFen: quantity * c.priceFen,
      };
    });
    await push(`/api/integration/v1/his/admissions/${admissionNo}/charges`, { lines });
    a.days++;
    a.totalFen += lines.reduce((sum, l) => sum + l.amountFen, 0);
    log('inpatient day charged', { admissionNo, day: a.days });
    if (timings.dayMs === null) return;
    if (a.days < stayDays)
      later(timings.dayMs, `day ${a.days + 1} of ${admissionNo}`, () => nextDay(admissionNo));
    else later(timings.dayMs / 2, `discharge of ${admissionNo}`, () => nextDay(admissionNo));
  }

  async function discharge(a: SimAdmission) {
    await push(`/api/integration/v1/his/admissions/${a.admissionNo}/discharge`, {
      dischargedAt: now().toISOString(),
      totalCostFen: a.totalFen,
    });
    a.discharged = true;
    log('patient discharged', { admissionNo: a.admissionNo, totalFen: a.totalFen });
  }

  async function reverseDischarge(admissionNo: string, opts: { reason?: string; reversalNo?: string } = {}) {
    const a = state.admissions.get(admissionNo);
    if (!a) throw new Error(`unknown admission ${admissionNo}`);
    const reversalNo = opts.reversalNo ?? `CX${admissionNo}-${a.reversals.length + 1}`;
    const reason = opts.reason || '结算有误，撤销出院结算';
    const reply = await push(
      `/api/integration/v1/his/admissions/${encodeURIComponent(admissionNo)}/settlement-reversal`,
      { reversalNo, reason },
    );
    if (!a.reversals.some((x) => x.reversalNo === reversalNo))
      a.reversals.push({ reversalNo, reason, at: now().toISOString() });
    a.discharged = false;
    log('discharge settlement reversed', { admissionNo, reversalNo });
    return { reversalNo, reply };
  }

  // ------------------------------------------------------------------ patient files (建档)
  const ADDRESSES = [
    '北京市东城区东直门南大街 5 号',
    '北京市朝阳区望京街 10 号',
    '河北省廊坊市广阳区新华路 8 号',
  ];
  const ALLERGENS = ['青霉素', '头孢类', '磺胺类', '花粉'];
  /**
   * Opens (or updates) the file of the card a platform event names. What the HIS alone knows (its
   * patient id, insurance type, allergies, address) is derived from the seed and the card, so the
   * same card always has the same file.
   */
  function fileOf(p: any, platformPatientId: string | null): SimPatientFile | undefined {
    const cardNo = typeof p?.visitCardNo === 'string' && p.visitCardNo ? p.visitCardNo.toUpperCase() : null;
    if (!cardNo || !p?.name) return undefined;
    const known = state.patients.get(cardNo);
    const r = rngFor(seed, `patient:${cardNo}`);
    const file: SimPatientFile = known ?? {
      hisPatientId: `HP${digitsOf(`${seed}:${cardNo}`, 10)}`,
      visitCardNo: cardNo,
      name: p.name,
      gender: null,
      birthDate: null,
      idNumber: null,
      phone: null,
      address: ADDRESSES[Math.floor(r() * ADDRESSES.length)],
      cardStatus: 'active',
      insuranceType: (['self_pay', 'employee', 'resident'] as const)[Math.floor(r() * 3)],
      allergies: r() < 0.2 ? [ALLERGENS[Math.floor(r() * ALLERGENS.length)]] : [],
      fileCreatedOn: dateOf(now()),
      lastVisitOn: null,
      platformPatientId: null,
    };
    file.name = p.name;
    if (p.gender === 'male' || p.gender === 'female') file.gender = p.gender;
    if (typeof p.birthDate === 'string' && p.birthDate) file.birthDate = p.birthDate;
    if (typeof p.idNumber === 'string' && p.idNumber) file.idNumber = p.idNumber;
    if (typeof p.phone === 'string' && p.phone) file.phone = p.phone;
    if (platformPatientId) file.platformPatientId = platformPatientId;
    state.patients.set(cardNo, file);
    return file;
  }

  // ------------------------------------------------------------------ the platform's calls to the HIS
  type Answer = { status: number; body: Record<string, unknown> };
  const refuse = (status: number, code: string, message: string): Answer => ({
    status,
    body: { code, message },
  });
  const busy = (): Answer => refuse(503, 'HIS_BUSY', 'HIS temporarily unavailable (simulated)');

  const handlers: Record<string, (b: any) => Answer> = {
    '/qingnang/v1/bill-writebacks': (b) => {
      if (faults.writeBackFailures > 0) {
        faults.writeBackFailures--;
        return busy();
      }
      const done = state.writeBacks.get(b.orderNo);
      if (done) return { status: 200, body: { receiptNo: done.receiptNo } };
      const rows: SimBill[] = [];
      for (const ref of b.bills ?? []) {
        let row = state.bills.get(ref.billNo);
        if (!row && adoptUnknownBills) row = adopt(ref.billNo, ref.amountFen);
        if (!row) return refuse(409, 'BILL_UNKNOWN', `unknown bill ${ref.billNo}`);
        if (row.amountFen !== ref.amountFen)
          return refuse(409, 'AMOUNT_MISMATCH', `amount of ${ref.billNo} differs`);
        if (row.state !== 'ordered')
          return refuse(409, 'BILL_NOT_PAYABLE', `bill ${ref.billNo} is ${row.state}`);
        rows.push(row);
      }
      const receiptNo = `SF${dateOf(now()).replace(/-/g, '')}${String(++receiptSeq).padStart(6, '0')}`;
      for (const row of rows) {
        row.state = 'paid';
        row.orderNo = b.orderNo;
        row.receiptNo = receiptNo;
        const ms = row.kind === 'prescription' ? timings.dispenseMs : timings.performMs;
        if (ms !== null && !row.foreign) later(ms, `execution of ${row.billNo}`, () => execute(row.billNo));
      }
      state.writeBacks.set(b.orderNo, {
        receiptNo,
        billNos: rows.map((r) => r.billNo),
        amountFen: b.amountFen,
      });
      log('write-back taken', { orderNo: b.orderNo, receiptNo });
      return { status: 200, body: { receiptNo } };
    },
    '/qingnang/v1/bill-refunds': (b) => {
      if (faults.refundFailures > 0) {
        faults.refundFailures--;
        return busy();
      }
      if (state.refunds.has(b.refundKey)) return { status: 200, body: { ok: true } };
      const rows = (b.bills ?? []).map(
        (ref: any) =>
          state.bills.get(ref.billNo) ?? (adoptUnknownBills ? adopt(ref.billNo, ref.amountFen) : undefined),
      );
      if (rows.some((r: SimBill | undefined) => !r)) return refuse(409, 'BILL_UNKNOWN', 'unknown bill');
      const executed = rows.find((r: SimBill) => r.execution !== 'none');
      if (executed) return refuse(409, 'BILL_EXECUTED', `bill ${executed.billNo} was ${executed.execution}`);
      for (const r of rows as SimBill[]) r.state = 'refunded';
      state.refunds.set(b.refundKey, {
        orderNo: b.orderNo,
        billNos: rows.map((r: SimBill) => r.billNo),
        amountFen: b.amountFen,
      });
      return { status: 200, body: { ok: true } };
    },
    '/qingnang/v1/registration-cancellations': (b) => {
      state.cancellations.set(b.registrationId, { orderNo: b.orderNo ?? null, amountFen: b.amountFen });
      const reg = state.registrations.get(b.registrationId);
      if (reg) reg.cancelled = true;
      return { status: 200, body: { ok: true } };
    },
    '/qingnang/v1/events': (b) => {
      if (faults.eventFailures > 0) {
        faults.eventFailures--;
        return busy();
      }
      if (typeof b.eventId !== 'string' || typeof b.type !== 'string')
        return refuse(400, 'EVENT_INVALID', 'eventId and type are required');
      // filing is idempotent by card, so a binding sent again (after the HIS lost it) files it again
      if (b.type === 'visit_card.bound') {
        const file = fileOf(b.patient, typeof b.patient?.id === 'string' ? b.patient.id : null);
        if (!file) return refuse(400, 'EVENT_INVALID', 'patient with name and visitCardNo is required');
        events.set(b.eventId, { hisPatientId: file.hisPatientId });
        log('visit card bound', { hisPatientId: file.hisPatientId });
        return { status: 200, body: { accepted: true, hisPatientId: file.hisPatientId } };
      }
      const seen = events.get(b.eventId);
      if (seen) return { status: 200, body: { accepted: true, ...seen } };
      if (b.type === 'registration.checked_in') {
        if (!b.patient?.name) return refuse(400, 'EVENT_INVALID', 'patient is required');
        const file = fileOf(b.patient, null);
        if (file) file.lastVisitOn = b.registration?.clinicDate ?? dateOf(now());
        const visitNo = openVisit(b);
        return { status: 200, body: { accepted: true, visitNo } };
      }
      if (b.type === 'prescription.fill_at_hospital') {
        const ref = b.prescription;
        if (!ref?.hisRxNo || !Array.isArray(ref.items) || !ref.items.length || !b.patient?.name)
          return refuse(400, 'EVENT_INVALID', 'prescription with items and patient are required');
        const billNo = `${ref.hisRxNo}-YF`;
        const patient: SimPatient = {
          name: b.patient.name,
          idNumber: b.patient.idNumber ?? undefined,
          visitCardNo: b.patient.visitCardNo ?? null,
          gender: b.patient.gender,
        };
        events.set(b.eventId, { billNo });
        later(timings.orderMs, `pharmacy bill of ${ref.hisRxNo}`, () =>
          billPrescription(ref, patient, billNo),
        );
        return { status: 200, body: { accepted: true, billNo } };
      }
      if (b.type === 'prescription.dispensed') {
        const rx = b.prescription?.hisRxNo ? state.prescriptions.get(b.prescription.hisRxNo) : undefined;
        if (rx) {
          rx.state = 'dispensed';
          rx.dispensedBy = b.dispensed?.pharmacyName ?? 'retail pharmacy';
        }
      }
      if (b.type === 'registration.paid' && b.registration?.id && b.patient?.name)
        state.registrations.set(b.registration.id, {
          patient: {
            name: b.patient.name,
            idNumber: b.patient.idNumber,
            visitCardNo: b.patient.visitCardNo ?? null,
          },
          clinicDate: b.registration.clinicDate,
          department: b.department?.name ?? null,
          orderNo: b.registration.orderNo ?? null,
          cancelled: state.cancellations.has(b.registration.id),
        });
      events.set(b.eventId, {});
      return { status: 200, body: { accepted: true } };
    },
    '/qingnang/v1/patients/query': (b) => {
      if (faults.patientInfoFailures > 0) {
        faults.patientInfoFailures--;
        return busy();
      }
      if (typeof b.visitCardNo !== 'string' || !b.visitCardNo)
        return refuse(400, 'QUERY_INVALID', 'visitCardNo is required');
      const file = state.patients.get(b.visitCardNo.toUpperCase());
      if (!file) return refuse(404, 'CARD_UNKNOWN', 'no patient file for this card');
      const { platformPatientId: _platform, ...answer } = file;
      return { status: 200, body: answer };
    },
    '/qingnang/v1/inpatient/deposits': (b) => {
      const seen = state.deposits.get(b.depositId);
      if (seen) return { status: 200, body: { hisReceiptNo: seen.hisReceiptNo } };
      const hisReceiptNo = `YJ${String(state.deposits.size + 1).padStart(8, '0')}`;
      state.deposits.set(b.depositId, { admissionNo: b.admissionNo, amountFen: b.amountFen, hisReceiptNo });
      return { status: 200, body: { hisReceiptNo } };
    },
    '/qingnang/v1/inpatient/settlements': (b) => {
      state.settlements.push({ admissionNo: b.admissionNo, kind: b.kind, amountFen: b.amountFen });
      return { status: 200, body: { ok: true } };
    },
  };

  function verify(req: IncomingMessage, raw: string): Answer | undefined {
    if (platformSecret === null) return undefined;
    const h = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : '');
    const [appId, ts, nonce, signature] = [
      'x-qn-app-id',
      'x-qn-timestamp',
      'x-qn-nonce',
      'x-qn-signature',
    ].map(h);
    if (!appId || !ts || !nonce || !signature)
      return refuse(401, 'SIGNATURE_MISSING', 'signed headers required');
    if (appId !== platformAppId) return refuse(401, 'APP_UNKNOWN', 'unknown app id');
    if (Math.abs(Date.now() / 1000 - Number(ts)) > 300)
      return refuse(401, 'TIMESTAMP_STALE', 'timestamp out of range');
    if (!sameSignature(sign(platformSecret, req.method ?? 'POST', req.url ?? '', ts, nonce, raw), signature))
      return refuse(401, 'SIGNATURE_INVALID', 'signature does not match');
    const cutoff = Date.now() - 600_000;
    for (const [k, at] of seenNonces) if (at < cutoff) seenNonces.delete(k);
    if (seenNonces.has(nonce)) return refuse(401, 'NONCE_REPLAYED', 'nonce already used');
    seenNonces.set(nonce, Date.now());
    return undefined;
  }

  const summary = () => ({
    connected: !!(platformUrl && channel),
    visits: state.visits.size,
    bills: state.bills.size,
    writeBacks: state.writeBacks.size,
    refunds: state.refunds.size,
    cancellations: state.cancellations.size,
    registrations: state.registrations.size,
    admissions: [...state.admissions.values()].map((a) => ({
      admissionNo: a.admissionNo,
      days: a.days,
      discharged: a.discharged,
      reversals: a.reversals.length,
    })),
    reports: state.reports.size,
    prescriptions: state.prescriptions.size,
    patients: state.patients.size,
    deposits: state.deposits.size,
    pendingWork: pending,
    faults,
    errors: state.errors.slice(-20),
  });

  async function control(req: IncomingMessage, raw: string, path: string): Promise<Answer> {
    if (req.method === 'GET' && (path === '/sim/state' || path === '/health'))
      return { status: 200, body: summary() };
    if (req.method !== 'POST') return refuse(405, 'METHOD_NOT_ALLOWED', 'POST only');
    const b = (raw ? safeJson(raw) : {}) ?? {};
    if (path === '/sim/faults') {
      for (const k of Object.keys(faults) as (keyof typeof faults)[])
        if (typeof b[k] === 'number' && b[k] >= 0) faults[k] = b[k];
      return { status: 200, body: { faults } };
    }
    const m = /^\/sim\/bills\/([\w.:-]+)\/execute$/.exec(path);
    if (m) {
      await execute(m[1]);
      return { status: 200, body: { bill: state.bills.get(m[1]) ?? null } };
    }
    const revoke = /^\/sim\/prescriptions\/([\w.:-]+)\/revoke$/.exec(path);
    if (revoke) {
      if (!state.prescriptions.has(revoke[1]))
        return refuse(404, 'PRESCRIPTION_UNKNOWN', 'no such prescription');
      await revokePrescription(revoke[1], typeof b.reason === 'string' && b.reason ? b.reason : '医生撤销');
      return { status: 200, body: { prescription: state.prescriptions.get(revoke[1]) ?? null } };
    }
    const reversal = /^\/sim\/admissions\/([\w.:-]+)\/reverse-discharge$/.exec(path);
    if (reversal) {
      const a = state.admissions.get(reversal[1]);
      if (!a) return refuse(404, 'ADMISSION_UNKNOWN', 'no such admission');
      if (!a.discharged && !(typeof b.reversalNo === 'string' && b.reversalNo))
        return refuse(409, 'ADMISSION_NOT_DISCHARGED', 'the patient has not been discharged');
      try {
        const done = await reverseDischarge(reversal[1], {
          reason: typeof b.reason === 'string' ? b.reason : undefined,
          reversalNo: typeof b.reversalNo === 'string' && b.reversalNo ? b.reversalNo : undefined,
        });
        return { status: 200, body: { admissionNo: a.admissionNo, ...done } };
      } catch (err) {
        if (err instanceof PushRefused)
          return { status: err.status, body: (err.body ?? {}) as Record<string, unknown> };
        throw err;
      }
    }
    if (path === '/sim/admissions') {
      if (!b?.name) return refuse(400, 'PATIENT_REQUIRED', 'name and idNumber or visitCardNo');
      const a = await admit({ name: b.name, idNumber: b.idNumber, visitCardNo: b.visitCardNo });
      return { status: 201, body: { admissionNo: a.admissionNo } };
    }
    return refuse(404, 'NOT_FOUND', 'no such path');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      let answer: Answer;
      try {
        if (path.startsWith('/sim/') || path === '/health') answer = await control(req, raw, path);
        else if (req.method !== 'POST' || !handlers[path]) answer = refuse(404, 'NOT_FOUND', 'no such path');
        else {
          answer = verify(req, raw) ?? { status: 0, body: {} };
          if (answer.status === 0) {
            const body = safeJson(raw);
            if (!body || typeof body !== 'object') answer = refuse(400, 'MALFORMED_JSON', 'body is not JSON');
            else answer = handlers[path](body);
          }
          state.received.push({
            path,
            body: safeJson(raw) ?? {},
            status: answer.status,
            at: now().toISOString(),
          });
        }
      } catch (err) {
        answer = refuse(500, 'SIM_ERROR', (err as Error).message);
      }
      send(res, answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;

  return {
    url,
    port,
    connect(u, c) {
      platformUrl = u.replace(/\/$/, '');
      channel = c;
    },
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      pending = 0;
      settle();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    faults,
    execute,
    admit,
    nextDay,
    revokePrescription,
    reverseDischarge,
    state,
    summary,
  };
}

function patientRef(p: SimPatient) {
  return {
    name: p.name,
    ...(p.idNumber ? { idNumber: p.idNumber } : {}),
    ...(p.visitCardNo ? { visitCardNo: p.visitCardNo } : {}),
  };
}

/** `n` decimal digits derived from a text (stable codes for simulated people). */
function digitsOf(text: string, n: number): string {
  const h = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; out.length < n; i++) out += String(h[i % h.length] % 10);
  return out;
}

function send(res: ServerResponse, a: { status: number; body: unknown }) {
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
