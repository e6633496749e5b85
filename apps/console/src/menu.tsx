import type { ReactNode } from 'react';
import {
  BankOutlined,
  CalendarOutlined,
  DashboardOutlined,
  DollarOutlined,
  ExperimentOutlined,
  SettingOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ConsoleMenu } from './api/staff';

/**
 * The menu is the server's catalogue (apps/server/src/modules/staff/menus.ts), sent by GET /staff/me
 * already filtered by the user's permissions: the console only groups it. A new console page gets
 * its menu entry there and its route below.
 */
export const GROUPS: Record<string, { zh: string; en: string; icon: ReactNode }> = {
  home: { zh: '工作台', en: 'Home', icon: <DashboardOutlined /> },
  directory: { zh: '医院信息', en: 'Hospital directory', icon: <BankOutlined /> },
  scheduling: { zh: '排班号源', en: 'Scheduling', icon: <CalendarOutlined /> },
  registration: { zh: '挂号管理', en: 'Registration', icon: <TeamOutlined /> },
  payments: { zh: '支付财务', en: 'Payments', icon: <DollarOutlined /> },
  services: { zh: '诊疗服务', en: 'Clinical services', icon: <ExperimentOutlined /> },
  system: { zh: '系统管理', en: 'Administration', icon: <SettingOutlined /> },
};

/**
 * Every route the console knows, with the permission that opens it: the same as its entry in the
 * server's menu catalogue (menu.test.ts holds the two together), known before /staff/me answers.
 */
export const ROUTE_PERMISSIONS: Record<string, { path: string; permission?: string }> = {
  dashboard: { path: '/' },
  users: { path: '/system/users', permission: 'staff.manage' },
  roles: { path: '/system/roles', permission: 'staff.manage' },
  audit: { path: '/system/audit', permission: 'audit.read' },
  'sms-log': { path: '/system/sms-log', permission: 'sms.read' },
  'security-alerts': { path: '/system/security-alerts', permission: 'staff.manage' },
  'event-deliveries': { path: '/system/event-deliveries', permission: 'events.manage' },
  hospital: { path: '/directory/hospital', permission: 'directory.manage' },
  campuses: { path: '/directory/campuses', permission: 'directory.manage' },
  buildings: { path: '/directory/buildings', permission: 'directory.manage' },
  departments: { path: '/directory/departments', permission: 'directory.manage' },
  doctors: { path: '/directory/doctors', permission: 'directory.manage' },
  articles: { path: '/directory/articles', permission: 'content.manage' },
  prices: { path: '/directory/prices', permission: 'prices.manage' },
  featured: { path: '/directory/featured', permission: 'directory.manage' },
  recommended: { path: '/directory/recommended', permission: 'directory.manage' },
  shifts: { path: '/scheduling/shifts', permission: 'scheduling.manage' },
  templates: { path: '/scheduling/templates', permission: 'scheduling.manage' },
  schedules: { path: '/scheduling/schedules', permission: 'scheduling.manage' },
  'release-rules': { path: '/scheduling/release-rules', permission: 'scheduling.manage' },
  registrations: { path: '/registration/registrations', permission: 'registrations.read' },
  blacklist: { path: '/registration/blacklist', permission: 'blacklist.manage' },
  'counter-link': { path: '/registration/counter-link', permission: 'patients.link' },
  channels: { path: '/registration/channels', permission: 'channels.manage' },
  'payment-orders': { path: '/payments/orders', permission: 'payments.read' },
  refunds: { path: '/payments/refunds', permission: 'refunds.manage' },
  'abnormal-orders': { path: '/payments/abnormal-orders', permission: 'refunds.manage' },
  'writeback-failures': { path: '/payments/writeback-failures', permission: 'payments.read' },
  indicators: { path: '/services/indicators', permission: 'content.manage' },
  reports: { path: '/services/reports', permission: 'patients.read' },
  einvoices: { path: '/payments/einvoices', permission: 'payments.read' },
  bills: { path: '/payments/bills', permission: 'payments.read' },
  'inpatient-deposits': { path: '/payments/inpatient-deposits', permission: 'payments.read' },
  'credit-accounts': { path: '/payments/credit-accounts', permission: 'payments.read' },
  'exam-packages': { path: '/services/exam-packages', permission: 'exams.manage' },
  'insurance-settlements': { path: '/payments/insurance-settlements', permission: 'payments.read' },
  'exam-bookings': { path: '/services/exam-bookings', permission: 'exams.manage' },
  prescriptions: { path: '/pharmacy/prescriptions', permission: 'prescription.read' },
};

/**
 * The permissions that give a staff member a section of the 工作台 home page (GET /admin/workbench
 * answers the same sections): a workbench permission names that section, not a page of its own.
 */
export const HOME_SECTIONS = {
  'doctor.workbench': { zh: '我的今日门诊', en: 'My clinics today' },
  'nurse.workbench': { zh: '本科室今日门诊', en: "Department's clinics today" },
  'pharmacy.workbench': { zh: '待处理处方', en: 'Prescriptions to handle' },
  'emergency.workbench': { zh: '急救任务', en: 'Emergency tasks' },
} as const;

export function holds(permissions: string[], p?: string): boolean {
  return !p || permissions.includes('*') || permissions.includes(p);
}

export interface MenuGroup {
  key: string;
  zh: string;
  en: string;
  icon: ReactNode;
  items: ConsoleMenu[];
}

/** The server's menus for this user, in the console's group order. */
export function visibleMenu(serverMenus: ConsoleMenu[] | undefined): MenuGroup[] {
  const all = serverMenus ?? [];
  const order = Object.keys(GROUPS);
  const groups = [...new Set(all.map((m) => m.group))].sort((a, b) => rank(order, a) - rank(order, b));
  return groups.map((g) => ({
    key: g,
    ...(GROUPS[g] ?? { zh: g, en: g, icon: <SettingOutlined /> }),
    items: all.filter((m) => m.group === g),
  }));
}

function rank(order: string[], g: string) {
  const i = order.indexOf(g);
  return i < 0 ? order.length : i;
}
