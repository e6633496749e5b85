/**
 * Shapes of the API responses the patient H5 reads (docs/api.md; live reference
 * /api/openapi.json), kept here so that no app declares an API type of its own. Fields the server
 * may leave out are optional, so a missing one renders as blank, not a crash. States and kinds
 * are the shared unions of ../labels.ts; where the zod response schemas of ../api/<module>.ts name
 * a view precisely, prefer that view.
 */
import type {
  PatientIdType as IdType,
  PatientRelation as Relation,
  ConsentState,
  DoctorTitle,
  Level as RegistrationLevel,
  BillKind,
  BillState,
  ReportKind,
  ResultFlag as ReportFlag,
  ExamBookingState,
  PrescriptionState,
  PrescriptionKind,
  Label as LocalizedText,
} from '../labels.js';
import type { HisPatientFile } from '../api/identity.js';

export type {
  PatientIdType as IdType,
  PatientRelation as Relation,
  ConsentState,
  DoctorTitle,
  Level as RegistrationLevel,
  BillKind,
  BillState,
  ReportKind,
  ResultFlag as ReportFlag,
  ExamBookingState,
  PrescriptionState,
  PrescriptionKind,
} from '../labels.js';

export interface Page<T> {
  items: T[];
  total?: number;
  unread?: number;
  max?: number;
  page?: number;
  pageSize?: number;
}

export interface SmsCodeSent {
  resendAfterSeconds: number;
  expiresInSeconds: number;
  sandboxCode?: string;
}

export interface Account {
  id: string;
  phoneMasked: string | null;
  linkedProviders?: string[];
  hasPassword?: boolean;
  createdAt?: string;
}

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresIn?: number;
  account?: Account;
}

export interface Patient {
  id: string;
  name: string;
  relation: Relation;
  idType: IdType;
  idNumberMasked: string;
  phoneMasked: string;
  gender?: 'male' | 'female' | string;
  birthDate?: string;
  age?: number;
  isDefault: boolean;
  verified: boolean;
  /** whether this account may see the patient's records (IDN-10) */
  consent: ConsentState;
  visitCardNo?: string | null;
  healthCardNo?: string | null;
}

export interface NewPatient {
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  relation: Relation;
  /** IDN-13: the single-use token of a passed face verification (hospitals that require one) */
  faceToken?: string;
}

export interface Leader {
  name: string;
  position: string;
  photoUrl?: string;
  introduction?: string;
}

export interface Hospital {
  name: string;
  level?: string;
  introduction?: string;
  scale?: string;
  history?: string;
  honours?: string[];
  leadership?: Leader[];
  rules?: string;
  phone?: string;
  website?: string;
  logoUrl?: string;
}

export interface DepartmentLocation {
  id?: string;
  departmentId?: string;
  departmentName?: string;
  name?: string;
  location?: string;
}

export interface Floor {
  id: string;
  label: string;
  level?: number;
  floorPlanUrl?: string;
  facilities?: string[];
  departments?: DepartmentLocation[];
}

export interface Building {
  id: string;
  name: string;
  description?: string;
  floors?: Floor[];
}

export interface Campus {
  id: string;
  name: string;
  address: string;
  lat?: number;
  lng?: number;
  phone?: string;
  openingHours?: string;
  transport?: string;
  sitePlanUrl?: string;
  navigationUrl?: string;
  buildings?: Building[];
  departmentLocations?: DepartmentLocation[];
}

export interface DoctorDepartmentRef {
  id: string;
  name: string;
}

export interface Doctor {
  id: string;
  name: string;
  title: DoctorTitle | string;
  titleLabel?: LocalizedText;
  titleName?: string;
  gender?: string;
  photoUrl?: string;
  specialties?: string[];
  introduction?: string;
  departments?: DoctorDepartmentRef[];
  departmentName?: string;
  followed?: boolean;
  followerCount?: number;
}

export interface Department {
  id: string;
  parentId?: string | null;
  name: string;
  code?: string;
  location?: string;
  phone?: string;
  introduction?: string;
  strengths?: string;
  scope?: string;
  staffing?: string;
  campusId?: string | null;
  campusName?: string;
  campus?: { id: string; name: string; navigationUrl?: string } | null;
  floor?: { id: string; label: string; buildingId?: string; buildingName?: string } | null;
  parent?: { id: string; name: string } | null;
  children?: Department[];
  doctors?: Doctor[];
}

export type ArticleCategory = 'announcement' | 'guide' | 'education' | 'knowledge' | 'encyclopedia';

export interface ArticleSummary {
  id: string;
  title: string;
  summary?: string;
  coverUrl?: string;
  category?: string | { id: string; kind: string; name: string };
  categoryName?: string;
  kind?: string;
  publishedAt?: string | null;
  author?: string;
}

export interface Article extends ArticleSummary {
  body?: string;
  html?: string;
  bodyHtml?: string;
  sourceName?: string;
}

export interface PriceItem {
  id: string;
  code?: string;
  name: string;
  category: string;
  categoryName?: string;
  spec?: string;
  unit?: string;
  priceFen: number;
  pinyinInitials?: string;
}

export interface PriceCategory {
  code?: string;
  id?: string;
  name: string;
  count?: number;
}

export interface FeaturedDiscipline {
  id: string;
  departmentId: string;
  departmentName?: string;
  title: string;
  description?: string;
  imageUrl?: string;
}

export interface RecommendedDoctor extends Partial<Doctor> {
  doctorId?: string;
  doctor?: Doctor;
  reason?: string;
}

export interface Message {
  id: string;
  template?: string;
  title?: LocalizedText | string;
  body?: LocalizedText | string;
  category?: string;
  link?: string | null;
  read?: boolean;
  readAt?: string | null;
  createdAt: string;
}

// ---- scheduling and registration (issue 3) ---------------------------------------------------

export interface TimeSegment {
  id: string;
  seq?: number;
  startAt?: string;
  endAt?: string;
  full?: boolean;
  startTime?: string;
  endTime?: string;
  startsAt?: string;
  endsAt?: string;
  total?: number;
  remaining: number;
  state?: string;
  stopped?: boolean;
}

export interface Schedule {
  id: string;
  clinicDate?: string;
  date?: string;
  shiftCode?: string;
  startAt?: string;
  endAt?: string;
  released?: boolean;
  full?: boolean;
  stopReason?: string | null;
  shift?: string;
  shiftName?: string;
  startTime?: string;
  endTime?: string;
  level?: RegistrationLevel | string;
  levelName?: string;
  feeFen: number;
  state?: string;
  stopped?: boolean;
  total?: number;
  remaining: number;
  /** not yet released for online booking (SCH-05) */
  releaseAt?: string | null;
  bookable?: boolean;
  doctorId?: string;
  doctorName?: string;
  doctorTitle?: string;
  doctor?: Partial<Doctor> & { id: string; name: string };
  departmentId?: string;
  departmentName?: string;
  department?: { id: string; name: string };
  campusName?: string;
  segments?: TimeSegment[];
}

export interface RefundInfo {
  id?: string;
  refundId?: string | null;
  refundNo?: string;
  state: string;
  amountFen?: number;
  createdAt?: string;
  completedAt?: string | null;
}

export interface Registration {
  id: string;
  registrationNo?: string;
  state: string;
  patientId: string;
  patientName?: string;
  patient?: { id: string; name: string };
  scheduleId?: string;
  doctorId?: string;
  doctorName?: string;
  doctorTitle?: string;
  departmentId?: string;
  departmentName?: string;
  location?: string;
  date?: string;
  clinicDate?: string;
  shift?: string;
  shiftName?: string;
  startTime?: string;
  endTime?: string;
  segmentId?: string | null;
  segmentStart?: string;
  segmentEnd?: string;
  segmentStartAt?: string | null;
  segmentEndAt?: string | null;
  shiftCode?: string;
  channel?: string;
  slotNumber?: number | null;
  slotNo?: number;
  sequenceNo?: number;
  level?: string;
  feeFen: number;
  lockExpiresAt?: string | null;
  paymentDeadline?: string | null;
  paymentOrderId?: string | null;
  orderId?: string | null;
  orderNo?: string | null;
  paymentState?: string | null;
  payment?: {
    id?: string;
    orderId?: string;
    orderNo?: string;
    state?: string;
    amountFen?: number;
    refundedFen?: number;
    expiresAt?: string;
    paidAt?: string | null;
  } | null;
  paidAt?: string | null;
  qrPayload?: string | null;
  /** GUIDE-04/05: where to go next (check in, then wait at the department's place) */
  guidance?:
    (LocalizedText & { step: 'check_in' | 'wait'; department: string; location: string | null }) | null;
  queueNo?: number | string | null;
  queueNumber?: number | string | null;
  checkedInAt?: string | null;
  cancelledAt?: string | null;
  cancelReason?: string | null;
  canCancel?: boolean;
  /** the server's answer: inside the cancellation window and in a cancellable state */
  cancellable?: boolean;
  /** none | pending | requested | processing | succeeded | failed */
  refundState?: string;
  canCheckIn?: boolean;
  refund?: RefundInfo | null;
  refunds?: RefundInfo[];
  createdAt?: string;
}

export interface RecentDoctor {
  doctorId?: string;
  lastClinicDate?: string;
  upcoming?: Array<{
    scheduleId: string;
    clinicDate: string;
    shiftCode: string;
    level: string;
    feeFen: number;
    remaining: number;
  }>;
  id?: string;
  name?: string;
  doctorName?: string;
  title?: string;
  doctorTitle?: string;
  departmentId?: string;
  departmentName?: string;
  photoUrl?: string;
  lastVisitDate?: string;
  doctor?: Doctor;
}

export interface PaymentOrder {
  id?: string;
  orderId?: string;
  orderNo: string;
  refundedFen?: number;
  amountFen: number;
  subject?: string;
  state: string;
  /** the sandbox cashier: the platform order's own state beside the channel's trade state */
  orderState?: string;
  channel?: string | null;
  businessType?: string;
  businessId?: string;
  expiresAt?: string;
  paidAt?: string | null;
  returnUrl?: string;
}

export interface PayResult {
  orderId?: string;
  orderNo?: string;
  cashierUrl?: string;
  amountFen?: number;
  expiresAt?: string;
  /** what the payer's client opens: the sandbox cashier page is a redirect */
  pay?:
    | { kind: 'redirect'; url: string }
    | { kind: 'jsapi'; params: Record<string, string> }
    | { kind: 'form'; html: string };
}

export interface ScheduleDay {
  date: string;
  schedules: number;
  remaining: number;
  released: boolean;
}

// ---- outpatient bills (billing) ---------------------------------------------------------------

export interface BillItem {
  code: string;
  name: string;
  spec: string | null;
  unit: string | null;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

export interface Bill {
  id: string;
  billNo: string;
  visitNo: string | null;
  departmentName: string | null;
  doctorName: string | null;
  visitDate: string | null;
  kind: BillKind;
  title: string;
  amountFen: number;
  state: BillState;
  /** a pending bill that an open payment holds */
  inPayment: boolean;
  paymentId: string | null;
  execDepartment: string;
  execLocation: string;
  executionStatus: 'none' | 'dispensed' | 'performed';
  executedAt: string | null;
  invoiced: boolean;
  hisReceiptNo: string | null;
  scanCode: string;
  billedAt: string;
  paidAt: string | null;
  refundedAt: string | null;
  items: BillItem[];
  patientId?: string;
  /** on a receipt: where to go next, once the HIS confirmed the payment */
  guidance?: (LocalizedText & { department: string; location: string }) | null;
}

export interface BillPaymentStarted {
  id: string;
  patientId: string;
  billIds: string[];
  amountFen: number;
  state: string;
  expiresAt: string;
  orderId: string;
  orderNo: string;
  orderState: string;
}

export interface BillPaymentSummary {
  id: string;
  patientId: string;
  amountFen: number;
  billCount: number;
  state: 'open' | 'paid' | 'closed' | 'writeback_failed';
  orderId: string | null;
  orderNo: string | null;
  orderState: string | null;
  createdAt: string;
  paidAt: string | null;
}

export interface BillPayment {
  id: string;
  patientId: string;
  amountFen: number;
  state: BillPaymentSummary['state'];
  orderId: string | null;
  orderNo: string | null;
  orderState: string | null;
  refundedFen: number;
  paidAt: string | null;
  writeBack: { state: 'pending' | 'done' | 'failed'; attempts: number; hisReceiptNo: string | null } | null;
  bills: Bill[];
}

export interface BillRefund {
  refundId: string;
  refundNo: string;
  amountFen: number;
  state: string;
  billIds: string[];
}

// ---- reports ------------------------------------------------------------------------------------

export interface ReportSummary {
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
}

export interface Observation {
  section: string | null;
  code: string;
  name: string;
  value: number | string | null;
  unit: string | null;
  refLow: number | null;
  refHigh: number | null;
  refText: string | null;
  flag: ReportFlag | null;
  interpretation: {
    code: string;
    name: string;
    meaning: string;
    explanation: string | null;
    advice: string | null;
  } | null;
}

export interface ReportDetail extends ReportSummary {
  conclusion: string | null;
  sections: { name: string; conclusion: string | null }[];
  observations: Observation[];
}

export interface TrendPoint {
  at: string;
  value: number;
  flag?: ReportFlag | null;
  reportId?: string;
  refLow?: number | null;
  refHigh?: number | null;
  unit?: string | null;
}

export interface IndicatorTrend {
  code: string;
  name?: string;
  unit?: string | null;
  refLow?: number | null;
  refHigh?: number | null;
  points: TrendPoint[];
  [key: string]: unknown;
}

export interface HealthRecord {
  patient: { id: string; name: string; gender?: string | null; birthDate?: string | null; relation?: string };
  reportCounts: { kind: ReportKind; setting: string; n: number }[];
  indicators: {
    code: string;
    name: string;
    unit?: string | null;
    count: number;
    firstAt: string;
    latest: { value: number; flag?: ReportFlag | null; at: string; [key: string]: unknown };
    [key: string]: unknown;
  }[];
}

// ---- inpatient ----------------------------------------------------------------------------------

export interface Admission {
  id: string;
  admissionNo: string;
  patientName: string;
  ward: string;
  bed: string | null;
  attendingDoctor: string | null;
  diagnoses: { code?: string; name: string }[];
  operations: { code?: string; name: string; performedAt?: string }[];
  admittedAt: string;
  dischargedAt: string | null;
  state: 'admitted' | 'discharged' | string;
  settlementState: 'none' | 'open' | 'settled' | 'refunding' | 'refunded' | string | null;
  depositsFen: number;
  chargesFen: number;
  totalCostFen: number | null;
  balanceFen: number;
}

export interface Deposit {
  id: string;
  amountFen: number;
  state: 'pending' | 'paid' | 'closed' | string;
  paymentOrderId: string | null;
  paidAt: string | null;
  hisState: string;
  refundedFen: number;
  createdAt: string;
}

export interface OrderSummary {
  id: string;
  orderNo: string;
  amountFen: number;
  state: string;
  expiresAt: string;
}

export interface DailyList {
  admissionId: string;
  date: string;
  items: {
    lineId: string;
    itemCode: string | null;
    itemName: string;
    category: string | null;
    quantity: number;
    unit: string | null;
    amountFen: number;
  }[];
  categories: { category: string; amountFen: number }[];
  totalFen: number;
  chargesToDateFen: number;
  balanceFen: number;
}

export interface Settlement {
  admissionId: string;
  state: string;
  settlementState: string;
  depositsFen: number;
  chargesFen: number;
  differenceFen: number;
  dueFen: number;
  refundableFen: number;
  refunds: {
    depositId: string;
    paymentOrderId: string;
    amountFen: number;
    refundId: string | null;
    state: string;
  }[];
}

// ---- e-invoices (invoicing) ---------------------------------------------------------------------------

export interface EInvoice {
  id: string;
  kind: 'blue' | 'red';
  category: 'outpatient' | 'registration' | 'inpatient' | string;
  /** issuing → issued (→ printed / reversed); failed is retried by the hospital */
  status: 'issuing' | 'issued' | 'failed' | 'reversed' | 'printed';
  state: string;
  title: string;
  payerName: string;
  patientId: string | null;
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
  items?: {
    code?: string | null;
    name: string;
    spec?: string | null;
    unit?: string | null;
    quantity: number;
    unitPriceFen: number;
    amountFen: number;
  }[];
}

// ---- physical exams (exams) ---------------------------------------------------------------------------

export interface ExamPackage {
  id: string;
  code: string;
  name: string;
  description: string | null;
  priceFen: number;
  gender: 'male' | 'female' | null;
  minAge: number | null;
  maxAge: number | null;
  notes: string | null;
  state: string;
  itemCount: number;
  categories: string[];
  items: { name: string; category: string; meaning: string | null; notes: string | null }[];
}

export interface ExamDate {
  date: string;
  capacity: number;
  remaining: number;
  closed: boolean;
  bookable: boolean;
}

export interface ExamBooking {
  id: string;
  bookingNo: string;
  patientId: string;
  patientName: string;
  package: { id: string; code: string; name: string };
  priceFen: number;
  examDate: string;
  state: ExamBookingState;
  lockExpiresAt: string | null;
  paidAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  refundState: string;
  rescheduleCount: number;
  examOrderNo: string | null;
  examSystemPending: boolean;
  changeable: boolean;
  lastChangeDate: string;
  reportNo: string | null;
  createdAt: string;
  paymentOrder?: {
    id: string;
    orderNo: string;
    amountFen: number;
    refundedFen: number;
    state: string;
    expiresAt: string;
  } | null;
  report?: { id: string; reportNo: string; title: string; status: string; reportedAt: string | null } | null;
}

export interface ExamRecord {
  examNo: string;
  examDate: string;
  packageName: string;
  status: 'booked' | 'checked_in' | 'completed' | 'cancelled';
  reportNo: string | null;
  summary: string | null;
}

// ---- medical insurance (insurance) ----------------------------------------------------------------------

export interface InsuranceCredential {
  patientId: string;
  holderName: string;
  insuredNo: string;
  insuranceType: string;
  areaCode: string;
  areaName: string;
  state: 'active' | 'expired' | string;
  socialCardNo: string | null;
  socialCardBoundAt: string | null;
  authorisedAt: string;
  expiresAt: string;
}

export interface InsuranceSettlement {
  id: string;
  settlementNo: string;
  kind: 'outpatient' | 'registration' | 'secondary' | string;
  patientId: string;
  state:
    | 'pre_settled'
    | 'settling'
    | 'cash_pending'
    | 'settled'
    | 'expired'
    | 'failed'
    | 'reversing'
    | 'reversed'
    | 'refunding'
    | 'refunded';
  insuranceState: string;
  billIds: string[];
  useAccount: boolean;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  preExpiresAt: string;
  cashOrderId: string | null;
  cashOrderNo: string | null;
  cashOrderState: string | null;
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
}

export interface SecondaryBill {
  id: string;
  billNo: string;
  title: string;
  kind: string;
  amountFen: number;
  paidAt: string | null;
  eligible: boolean;
  reason: string | null;
}

// ---- credit care (credit) -------------------------------------------------------------------------------

export interface CreditSettlement {
  id: string;
  state: string;
  amountFen: number;
  chargeCount: number;
  orderId: string | null;
  orderNo: string | null;
  orderState: string | null;
  createdAt: string;
  paidAt: string | null;
}

export interface CreditAccount {
  patientId: string;
  state: 'active' | 'suspended' | 'closed' | string;
  limitFen: number;
  usedFen: number;
  availableFen: number;
  agreementNo: string | null;
  activatedAt: string;
  suspendedAt: string | null;
  suspendReason: string | null;
  overdueFen: number;
  nextDueAt: string | null;
  frictionless: { signed: boolean; signedAt: string | null; enabled: boolean };
  openSettlement: CreditSettlement | null;
  charges: {
    id: string;
    orderId: string;
    orderNo: string;
    businessType: string;
    subject: string;
    amountFen: number;
    refundedFen: number;
    owedFen: number;
    state: string;
    dueAt: string;
    overdue: boolean;
    settledAt: string | null;
    createdAt: string;
  }[];
}

// ---- visit guidance (billing guide) -------------------------------------------------------------------

export type NextStep =
  | { kind: 'pay'; bills: number; amountFen: number }
  | { kind: 'collect_drugs'; billNo: string; title: string; department: string; location: string }
  | { kind: 'go_to'; billNo: string; title: string; department: string; location: string }
  | { kind: 'done' };

export interface Visit {
  id: string;
  visitNo: string;
  visitDate: string;
  departmentName: string | null;
  doctorName: string | null;
  bills: number;
  totalFen: number;
  pendingFen: number;
  nextSteps: NextStep[];
  /** GUIDE-09: how many e-prescriptions and lab / exam / pathology reports the visit has */
  prescriptions?: number;
  reports?: number;
  patientId?: string;
  items?: {
    id: string;
    billNo: string;
    kind: string;
    title: string;
    amountFen: number;
    state: string;
    executionStatus: 'none' | 'dispensed' | 'performed';
    execDepartment: string;
    execLocation: string;
    /** GUIDE-09: the bill's cost lines */
    lines?: VisitBillLine[];
  }[];
  /** GUIDE-09: the visit's e-prescriptions and reports (detail only) */
  overview?: { prescriptions: VisitPrescription[]; reports: VisitReport[] };
}

export interface VisitBillLine {
  code: string;
  name: string;
  spec: string | null;
  unit: string | null;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

export interface VisitPrescription {
  id: string;
  hisRxNo: string;
  state: string;
  issuedAt: string;
  departmentName: string;
  doctorName: string;
  itemCount: number;
  totalFen: number;
  drugs: string[];
}

export interface VisitReport {
  id: string;
  reportNo: string;
  kind: string;
  title: string;
  department: string | null;
  status: string;
  reportedAt: string | null;
}

/** GUIDE-09 用药记录: one drug the patient was given. */
export interface Medication {
  source: 'hospital_pharmacy' | 'retail_pharmacy';
  name: string;
  spec: string | null;
  unit: string | null;
  quantity: number;
  usage: string | null;
  date: string;
  dispensed: boolean;
  visitNo: string | null;
  pharmacyName: string | null;
  prescriptionId: string | null;
  billId: string | null;
}

/** The HIS patient file is identity's answer schema (../api/identity.ts). */
export type { HisPatientFile } from '../api/identity.js';
export type HisCardStatus = HisPatientFile['cardStatus'];
export type HisInsuranceType = HisPatientFile['insuranceType'];

export interface PrescriptionSummary {
  id: string;
  patientId: string;
  patientName: string;
  hisRxNo: string;
  kind: PrescriptionKind;
  specialDisease: { code: string; name: string } | null;
  doctorName: string;
  departmentName: string;
  issuedAt: string;
  validUntil: string;
  state: PrescriptionState;
  itemCount: number;
  totalFen: number;
  /** any of its drugs is a 双通道 drug */
  dualChannel: boolean;
  pharmacy?: { code: string; name: string } | null;
}

export interface PrescriptionItem {
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
}

export interface PrescriptionDetail extends PrescriptionSummary {
  diagnoses: { code: string; name: string }[];
  items: PrescriptionItem[];
  /** 医保处方编号, once the centre accepted it */
  hiRxNo: string | null;
  traceCode: string | null;
  /** where the patient chose to fill it */
  fillWhere?: 'retail' | 'hospital' | null;
  pickupCode?: string | null;
  pharmacy?:
    ({ code: string; name: string } & { address?: string; phone?: string; dualChannel?: boolean }) | null;
  dispensed?: {
    at: string;
    pharmacyName: string;
    settlementNo?: string | null;
    totalFen: number;
    fundFen: number;
    accountFen: number;
    cashFen: number;
  } | null;
  rejectReason?: string | null;
  revokeReason?: string | null;
}

export interface DesignatedPharmacy {
  code: string;
  name: string;
  address: string;
  phone: string;
  dualChannel: boolean;
  specialDisease: boolean;
  inStock: boolean;
  distanceKm?: number | null;
}

export type FillChoice = { where: 'hospital' } | { where: 'retail'; pharmacyCode: string };
