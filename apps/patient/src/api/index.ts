/**
 * Every endpoint the patient H5 calls, as plain functions (no UI code). Grouped by server module.
 */
import { del, get, patch, post, put, tokenStore } from './client';
import type {
  Account,
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
} from './types';

export * from './client';
export * from './types';

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
