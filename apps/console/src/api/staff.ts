import { api, request, toPage, type Page, type Query } from './client';
import { setTokens } from './session';
import { resource } from './resource';
import type {
  LoginResult,
  StaffUser,
  Me,
  Role,
  PermissionInfo,
  AuditEntry,
  SmsMessage,
  SecurityAlert,
} from '@qingnang/contracts/api-types/console';
export type {
  LoginResult,
  ConsoleMenu,
  StaffUser,
  Me,
  Role,
  PermissionInfo,
  AuditEntry,
  SmsMessage,
  SecurityAlert,
} from '@qingnang/contracts/api-types/console';

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
