/**
 * Shapes of the API responses the staff console reads, kept here so that no app declares an API
 * type of its own. Where the zod response schemas of ../api/<module>.ts name a view precisely,
 * prefer that view; states and kinds are the shared unions of ../labels.ts.
 */
import type {
  BillState,
  CreditAccountState,
  DoctorTitle,
  ArticleKind,
  DepositState,
  HisWriteState as DepositHisState,
  InsuranceSettlementState as SettlementState,
  EInvoiceState,
  InvoiceStatus as EInvoiceStatus,
  PaymentOrderState,
  RefundState,
  PrescriptionState,
  RegistrationState,
  ReportKind,
  Level as RegistrationLevel,
  BookingChannel,
  IntegrationChannelKind,
} from '../labels.js';

export type {
  BillState,
  CreditAccountState,
  DoctorTitle,
  ArticleKind,
  DepositState,
  HisWriteState as DepositHisState,
  InsuranceSettlementState as SettlementState,
  EInvoiceState,
  InvoiceStatus as EInvoiceStatus,
  CounterDocument,
  PaymentOrderState,
  RefundState,
  PrescriptionState,
  RegistrationState,
  ReportKind,
  Level as RegistrationLevel,
  BookingChannel,
} from '../labels.js';

// ---- billing ----

/** A bill payment whose HIS write-back failed every attempt and was refunded automatically. */
export interface WriteBackFailure {
  paymentId: string;
  orderId: string;
  orderNo: string | null;
  amountFen: number;
  billCount: number;
  attempts: number;
  lastError: string | null;
  refundId: string | null;
  failedAt: string;
}

/** An outpatient bill the HIS pushed (finance search); the patient name comes masked. */
export interface Bill {
  id: string;
  billNo: string;
  visitNo: string | null;
  visitDate: string | null;
  patientName: string | null;
  departmentName: string | null;
  doctorName: string | null;
  kind: string;
  title: string;
  amountFen: number;
  state: BillState;
  executionStatus: 'none' | 'dispensed' | 'performed';
  invoiced: boolean;
  hisReceiptNo: string | null;
  billedAt: string;
  paidAt: string | null;
  confirmedAt: string | null;
  refundedAt: string | null;
}

export interface BillDetail extends Bill {
  execDepartment: string;
  execLocation: string;
  executedAt: string | null;
  currentPaymentId: string | null;
  items: {
    seq: number;
    code: string;
    name: string;
    spec: string | null;
    unit: string | null;
    quantity: number;
    unitPriceFen: number;
    amountFen: number;
  }[];
  payments: {
    paymentId: string;
    state: 'open' | 'paid' | 'closed' | 'writeback_failed';
    amountFen: number;
    billCount: number;
    settlementNo: string | null;
    createdAt: string;
    paidAt: string | null;
    order: {
      orderId: string;
      orderNo: string;
      state: string;
      channel: string | null;
      amountFen: number;
      refundedFen: number;
      paidAt: string | null;
    } | null;
    refunds: {
      refundId: string;
      refundNo: string;
      amountFen: number;
      state: string;
      reason: string;
      createdAt: string;
    }[];
    writeBack: {
      state: 'pending' | 'done' | 'failed';
      attempts: number;
      lastError: string | null;
      hisReceiptNo: string | null;
      nextAttemptAt: string | null;
      updatedAt: string;
    } | null;
  }[];
}

// ---- blacklist ----

export interface BlacklistRule {
  id: string;
  name: string;
  triggerKind: 'no_shows' | 'cancellations';
  threshold: number;
  periodDays: number;
  banDays: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface BlacklistEntry {
  id: string;
  patientId: string;
  patientNameMasked: string | null;
  reason: string;
  source: 'rule' | 'manual';
  ruleId: string | null;
  ruleName: string | null;
  status: 'active' | 'scheduled' | 'expired' | 'lifted';
  startsAt: string;
  endsAt: string;
  createdBy: string | null;
  createdAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
}

// ---- credit ----

/** A patient's credit-care account as finance lists it (patient name masked). */
export interface CreditAccount {
  id: string;
  agreementNo: string;
  patientId: string;
  patientName: string | null;
  state: CreditAccountState;
  limitFen: number;
  usedFen: number;
  owedFen: number;
  overdueFen: number;
  frictionlessEnabled: boolean;
  /** OVERDUE (lifted by settling) or STAFF (suspended by finance) */
  suspendReason: string | null;
  activatedAt: string;
  suspendedAt: string | null;
}

// ---- directory ----

export interface Leader {
  name: string;
  position: string;
  photoUrl?: string;
  introduction?: string;
}

export interface Hospital {
  name: string;
  level: string;
  introduction: string;
  scale: string;
  history: string;
  honours: string[];
  leadership: Leader[];
  rules: string;
  phone: string;
  website: string;
  logoUrl: string;
}

export interface Campus {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  phone: string;
  openingHours: string;
  transport: string;
  sitePlanUrl: string;
  sort: number;
  enabled: boolean;
}

export interface Building {
  id: string;
  campusId: string;
  name: string;
  description: string;
  sort: number;
}

export interface Floor {
  id: string;
  buildingId: string;
  label: string;
  level: number;
  floorPlanUrl: string;
  facilities: string[];
}

export interface Department {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  campusId: string | null;
  floorId: string | null;
  location: string;
  phone: string;
  introduction: string;
  strengths: string;
  scope: string;
  staffing: string;
  sort: number;
  enabled: boolean;
  children?: Department[];
}

export interface Doctor {
  id: string;
  code: string;
  name: string;
  title: DoctorTitle;
  gender: 'male' | 'female';
  photoUrl: string;
  specialties: string[];
  introduction: string;
  enabled: boolean;
  sort: number;
  titleLabel?: { zh: string; en: string };
  departmentIds?: string[];
  departments?: { id: string; code: string; name: string }[];
}

export interface ArticleCategory {
  id: string;
  kind: ArticleKind;
  kindLabel?: { zh: string; en: string };
  name: string;
  enabled: boolean;
  sort: number;
}

export interface Article {
  id: string;
  categoryId: string;
  category?: ArticleCategory;
  title: string;
  summary: string;
  coverUrl: string;
  body: string;
  source: 'original' | 'reprint';
  sourceName: string;
  author: string;
  status: 'draft' | 'published';
  publishedAt: string | null;
  updatedAt?: string;
}

export interface PriceItem {
  id: string;
  code: string;
  name: string;
  category: string;
  spec: string;
  unit: string;
  priceFen: number;
  enabled: boolean;
}

export interface FeaturedDiscipline {
  id: string;
  departmentId: string;
  departmentName?: string;
  title: string;
  description: string;
  imageUrl: string;
  sort: number;
}

export interface RecommendedDoctor {
  id: string;
  doctorId: string;
  doctorName?: string;
  doctor?: Doctor;
  reason: string;
  sort: number;
}

// ---- exams ----

export interface ExamPackageItem {
  name: string;
  category: string;
  meaning: string | null;
  notes: string | null;
}

/** A physical-exam package as the console maintains it (inactive ones included). */
export interface ExamPackage {
  id: string;
  code: string;
  name: string;
  description: string | null;
  priceFen: number;
  gender: 'any' | 'male' | 'female';
  minAge: number | null;
  maxAge: number | null;
  notes: string | null;
  state: 'active' | 'inactive';
  sort: number;
  itemCount: number;
  categories: string[];
  items: ExamPackageItem[];
  updatedAt: string;
}

export interface CapacityDay {
  date: string;
  capacity: number;
  taken: number;
  remaining: number;
  closed: boolean;
}

export interface ExamBooking {
  id: string;
  bookingNo: string;
  patientId: string;
  patientNameMasked: string;
  package: { id: string; code: string; name: string };
  priceFen: number;
  examDate: string;
  state: string;
  paidAt: string | null;
  checkedInAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  refundState: string;
  rescheduleCount: number;
  examOrderNo: string | null;
  examSystemPending: boolean;
  reportNo: string | null;
  createdAt: string;
}

// ---- gateway ----

export interface IntegrationChannel {
  id: string;
  code: string;
  name: string;
  kind: IntegrationChannelKind;
  appId: string;
  allowedOperations: string[];
  allowedFrom: string | null;
  allowedUntil: string | null;
  enabled: boolean;
  secretRotatedAt: string;
  createdAt: string;
  updatedAt: string;
}

export type ChannelWithSecret = IntegrationChannel & { secret: string };

export interface IntegrationCall {
  id: string;
  channelId: string | null;
  appId: string | null;
  operation: string | null;
  method: string;
  path: string;
  outcome: string;
  status: number;
  at: string;
  durationMs: number | null;
  requestId: string | null;
}

// ---- inpatient ----

/** An inpatient deposit top-up as finance lists it (patient name masked). */
export interface InpatientDeposit {
  id: string;
  admissionId: string;
  admissionNo: string;
  ward: string;
  bed: string | null;
  patientName: string;
  admissionState: 'admitted' | 'discharged';
  settlementState: string;
  amountFen: number;
  state: DepositState;
  channel: string | null;
  orderNo: string | null;
  orderId: string | null;
  hisState: DepositHisState;
  hisAttempts: number;
  /** what the discharge settlement refunded from this top-up */
  refundedFen: number;
  paidAt: string | null;
  createdAt: string;
}

// ---- insurance ----

/** A medical-insurance settlement: the bill total split into fund, personal account and cash. */
export interface InsuranceSettlement {
  id: string;
  settlementNo: string;
  kind: 'outpatient' | 'secondary' | 'registration';
  patientId: string;
  patientName: string;
  state: SettlementState;
  insuranceState: 'none' | 'unknown' | 'settled' | 'cancelled' | 'refunded';
  billIds: string[];
  useAccount: boolean;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  cashOrderId: string | null;
  cashOrderNo: string | null;
  cashOrderState: string | null;
  cashRefundIds: string[];
  reason: string | null;
  settledAt: string | null;
  closedAt: string | null;
  createdAt: string;
  bills?: {
    billId: string;
    billNo: string;
    totalFen: number;
    fundFen: number;
    accountFen: number;
    cashFen: number;
  }[];
  lastError?: string | null;
  attempts?: number;
  requestedBy?: string | null;
  /** the insurance platform's own record of it (detail only) */
  platform?: PlatformRecordView | null;
}

export interface PlatformRecordView {
  state: 'settled' | 'cancelled' | 'refunded' | 'not_found';
  fundFen?: number;
  accountFen?: number;
  cashFen?: number;
}

// ---- invoicing ----

/** What the patient sees: issuing, issued, printed (paper copy: refunds at the counter), reversed, failed */

/** One e-invoice (blue) or its red-letter reversal, as finance lists it (payer name masked). */
export interface EInvoice {
  id: string;
  kind: 'blue' | 'red';
  category: string;
  status: EInvoiceStatus;
  state: EInvoiceState;
  title: string;
  payerName: string;
  patientId: string;
  /** negative for a red-letter invoice */
  amountFen: number;
  paidAt: string;
  orderNo: string | null;
  invoiceCode: string | null;
  invoiceNo: string | null;
  checkCode: string | null;
  verifyUrl: string | null;
  issuedAt: string | null;
  printed: boolean;
  originalId: string | null;
  reversedBy: string | null;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  sourceType: string;
  sourceId: string;
}

// ---- notifications ----

export interface Delivery {
  id: string;
  messageId: string;
  accountId: string;
  channel: 'sms' | 'wechat' | 'alipay';
  template: string;
  state: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt?: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

// ---- patients ----

/** A patient as staff see it: numbers masked by the server. */
export interface PatientView {
  id: string;
  accountId?: string;
  name: string;
  relation: string;
  idType: string;
  idNumberMasked: string;
  phoneMasked: string;
  gender: string | null;
  birthDate: string | null;
  age?: number | null;
  verified: boolean;
  visitCardNo: string | null;
  createdAt: string;
}

/** A patient as the counter finds it: whether its records reach the account that holds it. */
export type CounterPatient = PatientView & {
  accountId: string;
  consent: string;
  recordsAccess: 'open' | 'unverified' | 'consent_pending' | 'guardian_pending';
};

// ---- payments ----

export interface PaymentOrder {
  id: string;
  orderNo: string;
  businessType: string;
  businessId: string;
  accountId: string;
  subject?: string;
  amountFen: number;
  refundedFen: number;
  /** what may still be refunded (paid minus refunded and in-flight refunds) */
  refundableFen: number;
  state: PaymentOrderState;
  channel: string | null;
  channelTradeNo?: string | null;
  abnormal?: boolean;
  abnormalReason?: string | null;
  businessState?: string | null;
  closedAt?: string | null;
  closeReason?: string | null;
  /** abnormal-order list only */
  abnormalId?: string;
  abnormalStatus?: 'open' | 'resolved';
  resolutionNote?: string | null;
  resolvedAt?: string | null;
  reportedAt?: string;
  expiresAt: string;
  paidAt: string | null;
  createdAt: string;
  refunds?: Refund[];
  notifications?: {
    id: string;
    channel: string;
    kind: string;
    channelTradeNo: string | null;
    refundNo: string | null;
    amountFen: number | null;
    verified: boolean;
    outcome: string;
    receivedAt: string;
  }[];
}

export interface Refund {
  id: string;
  refundNo: string;
  orderId: string;
  orderNo?: string;
  amountFen: number;
  state: RefundState;
  reason: string;
  requestedBy?: string;
  attempts?: number;
  failureReason?: string | null;
  createdAt: string;
  completedAt: string | null;
}

// ---- pharmacy ----

/** An insurance e-prescription (INS-16) the HIS pushed; the patient name comes masked. */
export interface Prescription {
  id: string;
  patientId: string;
  patientName: string;
  hisRxNo: string;
  kind: 'ordinary' | 'special_disease';
  specialDisease: { code: string; name: string } | null;
  doctorName: string;
  departmentName: string;
  issuedAt: string;
  validUntil: string;
  state: PrescriptionState;
  itemCount: number;
  totalFen: number;
  dualChannel: boolean;
  pharmacy?: { code: string; name: string } | null;
  hiRxNo: string | null;
  visitNo: string | null;
  attempts: number;
  lastError: string | null;
}

/** One step of a prescription's history: upload attempts and their errors, the patient's choice, ... */
export interface PrescriptionEvent {
  at: string;
  kind: string;
  actor: string;
  detail?: Record<string, unknown> | null;
}

export interface PrescriptionDetail extends Prescription {
  diagnoses: { code: string; name: string }[];
  items: {
    drugCode: string;
    name: string;
    spec: string;
    dosageForm?: string | null;
    quantity: number;
    unit: string;
    unitPriceFen: number;
    dose?: string | null;
    frequency?: string | null;
    route?: string | null;
    days?: number | null;
    dualChannel: boolean;
  }[];
  traceCode: string | null;
  pickupCode?: string | null;
  pharmacy?:
    ({ code: string; name: string } & { address?: string; phone?: string; dualChannel?: boolean }) | null;
  dispensed?: {
    at: string;
    pharmacyName: string;
    totalFen: number;
    fundFen: number;
    accountFen: number;
    cashFen: number;
  } | null;
  rejectReason?: string | null;
  revokeReason?: string | null;
}

/** The console's view adds the upload bookkeeping and the history. */
export interface StaffPrescriptionDetail extends PrescriptionDetail {
  doctorCode: string;
  insuranceDoctorCode: string;
  reviewedBy: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  rejectCode: string | null;
  history: PrescriptionEvent[];
}

// ---- registration ----

export interface RegistrationRow {
  id: string;
  state: RegistrationState;
  channel: 'online' | 'counter' | 'third_party';
  patientId: string;
  /** masked by the server (张*三) */
  patientName: string;
  doctorId: string;
  doctorName: string | null;
  doctorTitle: string | null;
  departmentId: string;
  departmentName: string | null;
  scheduleId: string;
  segmentId: string;
  clinicDate: string;
  shiftCode: string;
  segmentStartAt: string;
  segmentEndAt: string;
  slotNumber: number;
  level: string;
  feeFen: number;
  lockExpiresAt: string | null;
  paymentOrderId: string | null;
  paidAt: string | null;
  queueNumber: number | null;
  checkedInAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  refundState: 'none' | 'pending' | 'succeeded' | 'failed' | string;
  cancellable: boolean;
  createdAt: string;
}

// ---- reports ----

/** One entry of the indicator knowledge base (plain-language interpretation shown to patients). */
export interface Indicator {
  code: string;
  name: string;
  aliases: string[];
  category: string;
  unit: string | null;
  meaning: string;
  highMeaning: string | null;
  lowMeaning: string | null;
  advice: string | null;
  updatedAt: string;
}

/** A lab, exam, pathology or physical-exam report as staff list it (patient name masked). */
export interface AdminReport {
  id: string;
  reportNo: string;
  kind: ReportKind;
  title: string;
  department: string | null;
  setting: string;
  status: 'pending' | 'partial' | 'final';
  orderedAt: string | null;
  reportedAt: string | null;
  hasImages: boolean;
  patientNameMasked: string;
  patientId: string;
}

export interface ReportObservation {
  section: string | null;
  code: string;
  name: string;
  value: number | string | null;
  unit: string | null;
  refLow: number | null;
  refHigh: number | null;
  refText: string | null;
  flag: string | null;
  /** for flagged indicators: the knowledge base's plain-language text */
  interpretation: {
    code: string;
    name: string;
    meaning: string;
    explanation: string | null;
    advice: string | null;
  } | null;
}

export interface AdminReportDetail extends AdminReport {
  conclusion: string | null;
  sections: { name: string; conclusion: string | null }[];
  observations: ReportObservation[];
}

/** RPT-12: a patient's personal health record as staff see it (masked, audited as health_record.read). */
export interface StaffHealthRecord {
  basic: {
    patientId: string;
    name: string;
    gender: string | null;
    birthDate: string | null;
    idNumberMasked: string | null;
  };
  profile: {
    bloodType: string | null;
    heightCm: number | null;
    weightKg: number | null;
    bmi: number | null;
    allergies: string[];
    chronicConditions: string[];
    medications: string[];
    familyHistory: { relation: string; condition: string }[];
    smoking: string | null;
    drinking: string | null;
    exercise: string | null;
    diet: string | null;
    version: number;
    updatedAt: string | null;
  };
}

// ---- scheduling ----

export interface Shift {
  code: string;
  nameZh: string;
  nameEn: string;
  startTime: string;
  endTime: string;
  sort: number;
}

export interface ScheduleTemplate {
  id: string;
  doctorId: string;
  departmentId: string;
  weekdays: number[];
  shiftCode: string;
  segmentMinutes: number;
  slotsPerSegment: number;
  level: RegistrationLevel;
  feeFen: number;
  enabled: boolean;
}

export interface SegmentView {
  id: string;
  seq: number;
  startAt: string;
  endAt: string;
  /** 'closed': check-in has closed, nothing can be sold; 'past': the segment has ended */
  state: 'open' | 'closed' | 'past' | 'stopped';
  stopReason?: string | null;
  total: number;
  remaining: number;
  /** slots held by bookings (locked or paid) */
  booked?: number;
  /** sold out while still bookable by time */
  full: boolean;
}

export interface ScheduleView {
  id: string;
  doctorId: string;
  doctorName?: string;
  departmentId: string;
  departmentName?: string;
  clinicDate: string;
  shiftCode: string;
  startAt: string;
  endAt: string;
  level: RegistrationLevel;
  feeFen: number;
  /** 'past' once the session ended (已结束) */
  state: 'open' | 'stopped' | 'past';
  /** no segment can be booked any more because of the time */
  bookingClosed?: boolean;
  stopReason: string | null;
  releaseAt: string;
  released: boolean;
  total: number;
  remaining: number;
  booked?: number;
  full: boolean;
  segments: SegmentView[];
}

export interface ReleaseRule {
  channel: BookingChannel;
  reservedPercent: number;
  daysAhead: number;
  releaseTime: string;
  sameDayOnlyLevels: RegistrationLevel[];
  enabled: boolean;
}

export interface StopResult {
  cancelled: number;
  refunded: number;
}

// ---- staff ----

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  mustChangePassword: boolean;
  user: StaffUser;
}

/** One console menu as the server's catalogue defines it (GET /staff/me). */
export interface ConsoleMenu {
  key: string;
  group: string;
  zh: string;
  en: string;
  /** console route */
  path: string;
  permission?: string;
}

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  enabled: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  lockedUntil: string | null;
  doctorId: string | null;
  departmentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Me {
  user: StaffUser;
  roles: { code: string; nameZh: string; nameEn: string }[];
  permissions: string[];
  menus: ConsoleMenu[];
}

export interface Role {
  code: string;
  nameZh: string;
  nameEn: string;
  builtin: boolean;
  permissions: string[];
}

export interface PermissionInfo {
  key: string;
  zh: string;
  en: string;
}

export interface AuditEntry {
  id: string | number;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  actorUsername: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  /** a patient's masked name, a user's or a doctor's name, when the server knows the object */
  objectName?: string | null;
  outcome: string;
  ip: string | null;
  requestId: string | null;
  detail: unknown;
}

export interface SmsMessage {
  id: string;
  phoneMasked: string;
  template?: string;
  purpose?: string;
  content: string;
  status?: string;
  provider?: string;
  createdAt: string;
  sentAt?: string | null;
  error?: string | null;
}

/** A staff login lock or a paused address (staff login throttling), for administrators. */
export interface SecurityAlert {
  id: string;
  kind: 'login_locked' | 'address_throttled';
  staffId: string | null;
  username: string | null;
  ip: string;
  failures: number;
  lockedUntil: string;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

// ---- workbench ----

/**
 * The staff home (GET /admin/workbench) and its clinic lists, shared by the workbench module that
 * builds them and the console that shows them. `Time` is `string` on the wire and `Date` inside the
 * server; `Rx` is the e-prescription row the pharmacist's section lists.
 */

/** A booked patient on a clinic list: the name comes masked, no identifiers beyond the booking. */
export interface ClinicPatient<Time = string> {
  registrationId: string;
  patientName: string;
  slotNumber: number;
  queueNumber: number | null;
  state: string;
  segmentStartAt: Time;
  segmentEndAt: Time;
  checkedInAt: Time | null;
}

export interface ClinicCard<Time = string> {
  scheduleId: string;
  doctorId: string;
  doctorName: string | null;
  departmentId: string;
  departmentName: string | null;
  clinicDate: string;
  shiftCode: string;
  startAt: Time;
  endAt: Time;
  state: 'open' | 'stopped' | 'past';
  bookingClosed: boolean;
  total: number;
  /** slots held by bookings (locked or paid) */
  booked: number;
  remaining: number;
  checkedIn: number;
  /** booked and not yet checked in */
  waiting: number;
  noShow: number;
  patients?: ClinicPatient<Time>[];
}

export interface ServerMessage {
  code?: string;
  reasonCode?: string;
  message: { zh: string; en: string };
}

/** GET /admin/workbench: the signed-in staff member's home; a section is there when their role has it. */
export interface Workbench<Time = string, Rx = Prescription> {
  date: string;
  staff: {
    displayName: string | null;
    doctorId: string | null;
    doctorName: string | null;
    departmentId: string | null;
    departmentName: string | null;
  };
  notLinked?: ServerMessage;
  doctor?: { doctorId: string; clinics: ClinicCard<Time>[] };
  nurse?: {
    departmentId: string;
    clinics: ClinicCard<Time>[];
    totals: { clinics: number; booked: number; checkedIn: number; waiting: number; noShow: number };
  };
  pharmacist?: { toDispense: number; uploadFailed: number; items: Rx[] };
  medic?: ServerMessage & { available: boolean; items: never[] };
  overview?: {
    clinics: number;
    clinicsStopped: number;
    slots: number;
    slotsLeft: number;
    registrations: {
      booked: number;
      checkedIn: number;
      waiting: number;
      awaitingPayment: number;
      noShow: number;
      cancelled: number;
    };
    registrationFeesFen: number;
    refundsOpen: number;
  };
}
