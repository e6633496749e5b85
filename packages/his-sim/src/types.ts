// The simulator's options, its state and its public face (HisSim).

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
  /**
   * The platform's clock, when the platform runs in the same process (tests with a controlled clock):
   * the timestamps of the platform's signed calls are checked against it. Default: the simulator's
   * clock, which follows the platform's.
   */
  platformClock?: () => Date;
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
