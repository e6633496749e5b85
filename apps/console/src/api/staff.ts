import { api, request, toPage, type Page, type Query } from './client';
import { setTokens } from './session';
import { resource } from './resource';

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

export async function login(username: string, password: string): Promise<LoginResult> {
  const r = await request<LoginResult>('POST', '/staff/auth/login', {
    body: { username, password },
    auth: false,
  });
  setTokens({ accessToken: r.accessToken, refreshToken: r.refreshToken });
  return r;
}

export const changePassword = (oldPassword: string, newPassword: string) =>
  api.post<void>('/staff/auth/change-password', { oldPassword, newPassword });

export async function logout(): Promise<void> {
  try {
    await api.post('/staff/auth/logout');
  } finally {
    setTokens(null);
  }
}

export const getMe = () => api.get<Me>('/staff/me');

export const users = {
  ...resource<StaffUser>('/admin/users'),
  unlock: (id: string) => api.post<void>(`/admin/users/${id}/unlock`),
  resetPassword: (id: string, newPassword: string) =>
    api.post<void>(`/admin/users/${id}/reset-password`, { newPassword }),
};

/** Roles are addressed by code; the console tables key rows by `id`, so the code doubles as id. */
const roleResource = resource<Role>('/admin/roles');
export const roles = {
  ...roleResource,
  list: async (query?: Query): Promise<Page<Role & { id: string }>> => {
    const page = await roleResource.list(query);
    return { ...page, items: page.items.map((r) => ({ ...r, id: r.code })) };
  },
  get: async (code: string) => ({ ...(await roleResource.get(code)), id: code }),
  create: async (body: unknown) => {
    const r = await roleResource.create(body);
    return { ...r, id: r.code };
  },
  update: async (code: string, body: unknown) => {
    const r = await roleResource.update(code, body);
    return { ...r, id: r.code };
  },
};

export async function listPermissions(): Promise<PermissionInfo[]> {
  return toPage<PermissionInfo>(await api.get('/admin/permissions')).items;
}

export async function listAuditLogs(query: Query): Promise<Page<AuditEntry>> {
  return toPage<AuditEntry>(await api.get('/admin/audit-logs', query));
}

export async function listSmsMessages(query: Query): Promise<Page<SmsMessage>> {
  return toPage<SmsMessage>(await api.get('/admin/sms-messages', query));
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

export const securityAlerts = {
  list: async (query: Query): Promise<Page<SecurityAlert>> => {
    const r = await api.get<{ items: SecurityAlert[]; open: number }>('/admin/security-alerts', {
      open: query.open,
      limit: 200,
    });
    return { items: r.items, total: r.items.length };
  },
  acknowledge: (id: string) => api.post<SecurityAlert>(`/admin/security-alerts/${id}/acknowledge`),
};
