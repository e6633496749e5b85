/**
 * Every endpoint the patient H5 calls, as plain functions (no UI code). Grouped by server module.
 */
import { del, get, getBlob, patch, post, put, tokenStore } from './client';
import type {
  Account,
  Admission,
  Bill,
  BillPayment,
  BillPaymentStarted,
  BillRefund,
  CreditAccount,
  CreditSettlement,
  DailyList,
  Deposit,
  EInvoice,
  ExamBooking,
  ExamDate,
  ExamPackage,
  ExamRecord,
  HealthRecord,
  InsuranceCredential,
  InsuranceSettlement,
  SecondaryBill,
  IndicatorTrend,
  OrderSummary,
  ReportDetail,
  ReportKind,
  ReportSummary,
  Settlement,
  Visit,
  Medication,
  Article,
  ArticleSummary,
  Campus,
  Department,
  Doctor,
  FeaturedDiscipline,
  Hospital,
  LoginResult,
  Message,
  NewPatient,
  Page,
  Patient,
  PaymentOrder,
  PayResult,
  PriceCategory,
  PriceItem,
  RecentDoctor,
  RecommendedDoctor,
  Registration,
  Schedule,
  ScheduleDay,
  SmsCodeSent,
} from '@qingnang/contracts/api-types/patient';

export * from './client';
export type * from '@qingnang/contracts/api-types/patient';
export * from './prescriptions';
export * from './his-profile';

/** Lists come as a bare array or as a page object; callers always get the items. */
export function itemsOf<T>(data: T[] | Page<T> | { data?: T[] } | null | undefined): T[] {
  if (!data) return [];
  if (Array.isArray(data)) return data;
  if ('items' in data && Array.isArray(data.items)) return data.items;
  if ('data' in data && Array.isArray(data.data)) return data.data;
  return [];
}

export function pageOf<T>(data: T[] | Page<T>): Page<T> {
  if (Array.isArray(data)) return { items: data, total: data.length };
  return { ...data, items: itemsOf(data) };
}

// ---- identity --------------------------------------------------------------------------------

export const auth = {
  sendSmsCode: (phone: string) => post<SmsCodeSent>('/auth/sms-codes', { phone }, { auth: false }),
  async smsLogin(phone: string, code: string) {
    const result = await post<LoginResult>('/auth/sms-login', { phone, code }, { auth: false });
    tokenStore.set({ accessToken: result.accessToken, refreshToken: result.refreshToken });
    return result;
  },
  async passwordLogin(phone: string, password: string) {
    const result = await post<LoginResult>('/auth/password-login', { phone, password }, { auth: false });
    tokenStore.set({ accessToken: result.accessToken, refreshToken: result.refreshToken });
    return result;
  },
  async logout() {
    try {
      await post<void>('/auth/logout');
    } finally {
      tokenStore.set(null);
    }
  },
  me: () => get<Account>('/me'),
  /** other sessions end; this one continues with the new token pair */
  async changePassword(body: { oldPassword?: string; newPassword: string }) {
    const result = await put<Partial<LoginResult>>('/me/password', body);
    if (result?.accessToken && result.refreshToken)
      tokenStore.set({ accessToken: result.accessToken, refreshToken: result.refreshToken });
  },
  isLoggedIn: () => tokenStore.get() !== null,
};

export const patients = {
  list: async () => itemsOf(await get<Patient[] | Page<Patient>>('/patients')),
  /** the list with the account's limit of family members */
  page: async () => pageOf(await get<Patient[] | Page<Patient>>('/patients')),
  get: (id: string) => get<Patient>(`/patients/${id}`),
  add: (body: NewPatient) => post<Patient>('/patients', body),
  update: (id: string, body: { phone?: string; relation?: string }) =>
    patch<Patient>(`/patients/${id}`, body),
  remove: (id: string) => del<void>(`/patients/${id}`),
  /** IDN-09: a verified identity changes only by re-verification, a limited number of times */
  changeIdentity: (id: string, body: { name: string; idNumber: string; idType?: string }) =>
    post<Patient>(`/patients/${id}/identity-change`, body),
  setDefault: (id: string) => post<Patient>(`/patients/${id}/default`),
  requestConsent: (id: string) =>
    post<SmsCodeSent & { phoneMasked?: string }>(`/patients/${id}/consent/request`),
  confirmConsent: (id: string, code: string) =>
    post<Patient | void>(`/patients/${id}/consent/confirm`, { code }),
  bindVisitCard: (id: string, cardNo?: string) =>
    post<Patient>(`/patients/${id}/visit-card`, cardNo ? { cardNo } : {}),
  unbindVisitCard: (id: string) => del<void>(`/patients/${id}/visit-card`),
  bindHealthCard: (id: string, cardNo?: string) =>
    post<Patient>(`/patients/${id}/health-card`, cardNo ? { cardNo } : {}),
  unbindHealthCard: (id: string) => del<void>(`/patients/${id}/health-card`),
};

export const messages = {
  list: async (page = 1, pageSize = 20) =>
    pageOf(await get<Message[] | Page<Message>>('/messages', { page, pageSize })),
  unreadCount: () => get<{ unread: number }>('/messages/unread-count'),
  markAllRead: () => post<{ updated: number }>('/messages/read-all'),
  markRead: (id: string) => post<void>(`/messages/${id}/read`),
};

// ---- directory -------------------------------------------------------------------------------

export const directory = {
  hospital: () => get<Hospital>('/hospital'),
  campuses: async () => itemsOf(await get<Campus[] | Page<Campus>>('/campuses')),
  campus: (id: string) => get<Campus>(`/campuses/${id}`),
  departments: async () => itemsOf(await get<Department[] | Page<Department>>('/departments')),
  department: (id: string) => get<Department>(`/departments/${id}`),
  doctors: async (q: { q?: string; departmentId?: string; page?: number; pageSize?: number }) =>
    pageOf(await get<Doctor[] | Page<Doctor>>('/doctors', q)),
  doctor: (id: string) => get<Doctor>(`/doctors/${id}`),
  follow: (id: string) => post<void>(`/doctors/${id}/follow`),
  unfollow: (id: string) => del<void>(`/doctors/${id}/follow`),
  followedDoctors: async () => itemsOf(await get<Doctor[] | Page<Doctor>>('/me/followed-doctors')),
  articles: async (q: { category?: string; page?: number; pageSize?: number }) =>
    pageOf(await get<ArticleSummary[] | Page<ArticleSummary>>('/articles', q)),
  article: (id: string) => get<Article>(`/articles/${id}`),
  prices: async (q: { q?: string; category?: string; page?: number; pageSize?: number }) =>
    pageOf(await get<PriceItem[] | Page<PriceItem>>('/prices', q)),
  priceCategories: async () =>
    itemsOf(await get<Array<PriceCategory | string> | Page<PriceCategory | string>>('/price-categories')).map(
      (c): PriceCategory => (typeof c === 'string' ? { code: c, name: c } : c),
    ),
  featuredDisciplines: async () =>
    itemsOf(await get<FeaturedDiscipline[] | Page<FeaturedDiscipline>>('/featured-disciplines')),
  recommendedDoctors: async () =>
    itemsOf(await get<RecommendedDoctor[] | Page<RecommendedDoctor>>('/recommended-doctors')),
};

// ---- scheduling, registration, payments ----------------------------------------------------------

export const scheduling = {
  /** every clinic of one day (日期挂号: date first, then department) */
  byDate: async (date: string) => itemsOf(await get<Schedule[] | Page<Schedule>>('/schedules', { date })),
  byDepartment: async (departmentId: string, date?: string) =>
    itemsOf(await get<Schedule[] | Page<Schedule>>('/schedules', { departmentId, date })),
  byDoctor: async (doctorId: string, date?: string) =>
    itemsOf(await get<Schedule[] | Page<Schedule>>('/schedules', { doctorId, date })),
  /** bookable days of a department with the remaining numbers of each (the date strip) */
  departmentDays: async (departmentId: string) =>
    itemsOf(await get<ScheduleDay[] | Page<ScheduleDay>>(`/departments/${departmentId}/schedule-days`)),
};

export const registrations = {
  create: (body: { patientId: string; scheduleId: string; segmentId?: string; idempotencyKey: string }) =>
    post<Registration>('/registrations', body),
  list: async (q: { state?: string; patientId?: string } = {}) =>
    pageOf(await get<Registration[] | Page<Registration>>('/registrations', q)),
  get: (id: string) => get<Registration>(`/registrations/${id}`),
  cancel: (id: string, reason?: string) =>
    post<Registration>(`/registrations/${id}/cancel`, reason ? { reason } : {}),
  checkIn: (id: string, position?: { lat: number; lng: number }) =>
    post<Registration>(`/registrations/${id}/check-in`, position ? { ...position } : {}),
  recentDoctors: async () =>
    itemsOf(await get<RecentDoctor[] | Page<RecentDoctor>>('/registrations/recent-doctors')),
};

export const payments = {
  pay: (orderId: string, channel: 'sandbox' | 'wechat' | 'alipay' = 'sandbox') =>
    post<PayResult>(`/payments/orders/${orderId}/pay`, { channel }),
  /** the sandbox cashier reads the order by its number */
  order: (orderId: string) => get<PaymentOrder>(`/payments/orders/${orderId}`),
  sandboxOrder: (orderNo: string) => get<PaymentOrder>(`/payments/sandbox/${encodeURIComponent(orderNo)}`),
  sandboxComplete: (orderNo: string, outcome: 'success' | 'failure' | 'cancel') =>
    post<PaymentOrder | void>(`/payments/sandbox/${encodeURIComponent(orderNo)}/complete`, { outcome }),
};

// ---- my payments (PAY-07) -------------------------------------------------------------------------
export type MyPaymentFilter = 'all' | 'unpaid' | 'paid' | 'refunded' | 'closed';
export interface MyPayment {
  orderId: string;
  orderNo: string;
  businessType: string;
  businessId: string;
  patientId: string | null;
  subject: string | null;
  amountFen: number;
  refundedFen: number;
  state: string;
  channel: string | null;
  createdAt: string;
  paidAt: string | null;
  refunds: { refundNo: string; amountFen: number; state: string; createdAt: string }[];
}
export const myPayments = {
  /** every payment of the account, newest first; `nextCursor` reads the next page */
  list: (state: MyPaymentFilter, cursor?: string, limit = 20) =>
    get<{ items: MyPayment[]; nextCursor: string | null }>('/payments/mine', { state, limit, cursor }),
};

// ---- outpatient bills (billing) --------------------------------------------------------------------

export const bills = {
  /** PAY-01/02: one family member's bills with their items (pending by default) */
  list: async (patientId: string, state: 'pending' | 'paid' | 'refunded' | 'all' = 'pending') =>
    itemsOf(await get<Bill[] | Page<Bill>>('/bills', { patientId, state })),
  get: (id: string) => get<Bill>(`/bills/${id}`),
  /** PAY-05: the code printed as a QR on a paper prescription */
  scan: (code: string) => get<Bill>('/bills/scan', { code }),
  /** PAY-03/04: several bills of one patient in one payment order */
  startPayment: (body: { patientId: string; billIds: string[]; idempotencyKey: string }) =>
    post<BillPaymentStarted>('/bill-payments', body),
  payment: (id: string) => get<BillPayment>(`/bill-payments/${id}`),
  refund: (paymentId: string, billIds: string[]) =>
    post<BillRefund>(`/bill-payments/${paymentId}/refund`, { billIds }),
};

// ---- reports ----------------------------------------------------------------------------------------

export const reports = {
  list: async (patientId: string, kind?: ReportKind) =>
    itemsOf(await get<ReportSummary[] | Page<ReportSummary>>('/reports', { patientId, kind })),
  get: (id: string) => get<ReportDetail>(`/reports/${id}`),
  imagingLink: (id: string) => get<{ url: string; expiresAt: string }>(`/reports/${id}/imaging-link`),
  imagingAuthorisation: (patientId: string) =>
    get<{ patientId: string; authorised: boolean; grantedAt: string | null }>(
      '/reports/imaging-authorisation',
      { patientId },
    ),
  setImagingAuthorisation: (patientId: string, authorised: boolean) =>
    put<{ patientId: string; authorised: boolean; grantedAt: string | null }>(
      '/reports/imaging-authorisation',
      { patientId, authorised },
    ),
  healthRecord: (patientId: string) => get<HealthRecord>('/health-record', { patientId }),
  /** RPT-12: the personal health record (basic information, the patient's own profile, visit records) */
  healthProfile: (patientId: string) => get<HealthProfileRecord>('/health-record/profile', { patientId }),
  saveHealthProfile: (patientId: string, body: HealthProfileInput) =>
    put<HealthProfile>(`/health-record/profile?patientId=${encodeURIComponent(patientId)}`, body),
  trend: (patientId: string, code: string) =>
    get<IndicatorTrend>('/health-record/trend', { patientId, code }),
  /** RPT-09: the extraction code goes by SMS to the examinee's phone on file (no login needed) */
  requestExamCode: (reportNo: string, name: string) =>
    post<SmsCodeSent & { phoneMasked?: string }>('/reports/exam-access', { reportNo, name }, { auth: false }),
  openExamReport: (reportNo: string, code: string) =>
    post<ReportDetail>('/reports/exam-access/verify', { reportNo, code }, { auth: false }),
};

// ---- inpatient ------------------------------------------------------------------------------------------

export const inpatient = {
  bind: (body: { patientId: string; admissionNo: string; name: string }) =>
    post<Admission>('/admissions/bind', body),
  list: (patientId: string) => get<{ current: Admission[]; past: Admission[] }>('/admissions', { patientId }),
  get: (id: string) => get<Admission>(`/admissions/${id}`),
  startDeposit: (id: string, body: { amountFen: number; idempotencyKey: string }) =>
    post<{ deposit: Deposit; paymentOrder: OrderSummary }>(`/admissions/${id}/deposits`, body),
  deposits: (id: string) => get<{ items: Deposit[]; paidFen: number }>(`/admissions/${id}/deposits`),
  dailyList: (id: string, date: string) => get<DailyList>(`/admissions/${id}/daily-lists`, { date }),
  settlement: (id: string) => get<Settlement>(`/admissions/${id}/settlement`),
  paySettlement: (id: string) =>
    post<{ settlement: Settlement; paymentOrder: OrderSummary }>(`/admissions/${id}/settlement/pay`, {}),
  refundSurplus: (id: string) => post<Settlement>(`/admissions/${id}/settlement/refund`, {}),
};

// ---- e-invoices -------------------------------------------------------------------------------------------

export const einvoices = {
  /** PAY-10/11: a family member's e-invoices (blue ones and the red-letter reversals of refunds) */
  list: async (patientId: string) =>
    itemsOf(await get<EInvoice[] | Page<EInvoice>>('/einvoices', { patientId })),
  get: (id: string) => get<EInvoice>(`/einvoices/${id}`),
  pdf: (id: string) => getBlob(`/einvoices/${id}/pdf`),
};

// ---- physical exams ----------------------------------------------------------------------------------------

type ExamAuthorisation = { patientId: string; authorised: boolean; grantedAt: string | null };

export const exams = {
  packages: async (q: { gender?: string; age?: number } = {}) =>
    itemsOf(await get<ExamPackage[] | Page<ExamPackage>>('/exam-packages', q)),
  package: (id: string) => get<ExamPackage>(`/exam-packages/${id}`),
  dates: (id: string) =>
    get<{ packageId: string; earliest: string; latest: string; items: ExamDate[] }>(
      `/exam-packages/${id}/dates`,
    ),
  /** EXAM-01: the exchange of the patient's data with the exam system needs their authorisation */
  authorisation: (patientId: string) => get<ExamAuthorisation>('/exams/authorisation', { patientId }),
  setAuthorisation: (patientId: string, authorised: boolean) =>
    put<ExamAuthorisation>('/exams/authorisation', { patientId, authorised }),
  records: async (patientId: string) =>
    itemsOf(await get<ExamRecord[] | Page<ExamRecord>>('/exams/records', { patientId })),
  book: (body: { patientId: string; packageId: string; examDate: string; idempotencyKey: string }) =>
    post<ExamBooking>('/exam-bookings', body),
  bookings: async (patientId?: string) =>
    itemsOf(await get<ExamBooking[] | Page<ExamBooking>>('/exam-bookings', { patientId })),
  booking: (id: string) => get<ExamBooking>(`/exam-bookings/${id}`),
  reschedule: (id: string, examDate: string) =>
    post<ExamBooking>(`/exam-bookings/${id}/reschedule`, { examDate }),
  cancel: (id: string, reason?: string) =>
    post<ExamBooking>(`/exam-bookings/${id}/cancel`, reason ? { reason } : {}),
};

// ---- medical insurance ----------------------------------------------------------------------------------

export const insurance = {
  /** INS-01: the credential SDK's authorisation code exchanged for the insured person (real-name match) */
  authorise: (patientId: string, authCode: string) =>
    post<InsuranceCredential>('/insurance/credentials', { patientId, authCode }),
  /** the sandbox credential page: an authorisation code for the patient's own identity */
  sandboxAuthCode: (patientId: string) =>
    post<{ authCode: string }>('/insurance/sandbox/auth-code', { patientId }),
  credential: (patientId: string) => get<InsuranceCredential>(`/insurance/credentials/${patientId}`),
  qr: (patientId: string) =>
    get<{ payload: string; expiresAt: string }>(`/insurance/credentials/${patientId}/qr`),
  bindSocialCard: (patientId: string, cardNo: string) =>
    put<InsuranceCredential>(`/insurance/credentials/${patientId}/social-card`, { cardNo }),
  balance: (patientId: string) =>
    get<{ balanceFen: number; at: string }>(`/insurance/credentials/${patientId}/balance`),
  consumption: async (patientId: string) =>
    itemsOf(
      await get<
        | {
            at: string;
            kind: string;
            settlementNo: string;
            fundFen: number;
            accountFen: number;
            institution: string;
          }[]
        | Page<{
            at: string;
            kind: string;
            settlementNo: string;
            fundFen: number;
            accountFen: number;
            institution: string;
          }>
      >(`/insurance/credentials/${patientId}/consumption`),
    ),
  bills: (patientId: string) =>
    get<{ authorised: boolean; items: Bill[] }>('/insurance/bills', { patientId }),
  preSettle: (body: { patientId: string; billIds: string[]; useAccount: boolean }) =>
    post<InsuranceSettlement>('/insurance/pre-settlements', body),
  settle: (id: string) => post<InsuranceSettlement>(`/insurance/settlements/${id}/settle`, {}),
  settlements: async () =>
    itemsOf(await get<InsuranceSettlement[] | Page<InsuranceSettlement>>('/insurance/settlements')),
  settlement: (id: string) => get<InsuranceSettlement>(`/insurance/settlements/${id}`),
  cancel: (id: string) => post<InsuranceSettlement>(`/insurance/settlements/${id}/cancel`, {}),
  refund: (id: string) => post<InsuranceSettlement>(`/insurance/settlements/${id}/refund`, {}),
  secondaryBills: (patientId: string) =>
    get<{ insured: boolean; items: SecondaryBill[] }>('/insurance/secondary-settlement/bills', { patientId }),
  secondarySettle: (body: { patientId: string; billIds: string[]; useAccount: boolean }) =>
    post<InsuranceSettlement>('/insurance/secondary-settlements', body),
  /** INS-16: a locked registration's fee from the personal account */
  payRegistration: (registrationId: string) =>
    post<InsuranceSettlement>('/insurance/registration-payments', { registrationId }),
};

// ---- credit care ------------------------------------------------------------------------------------------

export const credit = {
  /** PAY-12: the credit platform assesses the patient and grants a limit */
  activate: (patientId: string) => post<CreditAccount>('/credit/accounts', { patientId }),
  get: (patientId: string) => get<CreditAccount>(`/credit/accounts/${patientId}`),
  close: (patientId: string) => post<CreditAccount>(`/credit/accounts/${patientId}/close`, {}),
  /** PAY-14/15: the withholding agreement behind frictionless payment */
  signWithholding: (patientId: string) =>
    post<CreditAccount>(`/credit/accounts/${patientId}/withholding`, {}),
  setFrictionless: (patientId: string, enabled: boolean) =>
    put<CreditAccount>(`/credit/accounts/${patientId}/frictionless`, { enabled }),
  /** PAY-13: a registration-fee or bill payment order paid on credit */
  payOrder: (patientId: string, orderId: string) =>
    post<{ orderId: string; orderNo: string; orderState: string | null; amountFen: number; dueAt: string }>(
      '/credit/payments',
      { patientId, orderId },
    ),
  /** everything owed in one payment order */
  settle: (patientId: string) => post<CreditSettlement>('/credit/settlements', { patientId }),
};

// ---- visit guidance ------------------------------------------------------------------------------------------

export const visits = {
  /** GUIDE-09: outpatient visits with their fees and next steps */
  list: async (patientId: string) => itemsOf(await get<Visit[] | Page<Visit>>('/visits', { patientId })),
  /** GUIDE-08: one visit's bills, execution status and where to go */
  get: (id: string) => get<Visit>(`/visits/${id}`),
  /** GUIDE-09 用药记录: drugs from paid prescription bills and dispensed e-prescriptions, newest first */
  medications: async (patientId: string, q: { page?: number; pageSize?: number } = {}) =>
    pageOf(await get<Medication[] | Page<Medication>>(`/patients/${patientId}/medications`, q)),
  /** GUIDE-14: the signed, short-lived code the executing department scans */
  guideCode: (patientId: string) =>
    post<{ code: string; expiresAt: string; visitCardNo: string | null }>(
      `/patients/${patientId}/guide-code`,
    ),
};

export type FamilyRelation = 'father' | 'mother' | 'sibling' | 'child' | 'grandparent' | 'other';
export interface HealthProfile {
  bloodType: 'A' | 'B' | 'AB' | 'O' | 'unknown' | null;
  heightCm: number | null;
  weightKg: number | null;
  bmi: number | null;
  allergies: string[];
  chronicConditions: string[];
  medications: string[];
  familyHistory: { relation: FamilyRelation; condition: string }[];
  smoking: 'never' | 'former' | 'current' | null;
  drinking: 'never' | 'occasional' | 'regular' | null;
  exercise: 'rarely' | 'weekly' | 'daily' | null;
  diet: string | null;
  version: number;
  updatedAt: string | null;
}
export type HealthProfileInput = Partial<Omit<HealthProfile, 'bmi' | 'updatedAt' | 'version'>> & {
  version: number;
};
export interface HealthProfileRecord {
  basic: {
    patientId: string;
    name: string;
    gender?: string | null;
    birthDate?: string | null;
    idNumberMasked?: string | null;
    phoneMasked?: string | null;
    visitCardNo?: string | null;
  };
  profile: HealthProfile;
  visitRecords: {
    outpatient: {
      id: string;
      visitNo: string;
      visitDate: string;
      departmentName?: string | null;
      doctorName?: string | null;
    }[];
    inpatient: Admission[];
  };
}
