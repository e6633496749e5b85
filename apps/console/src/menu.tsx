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
 * The menu comes from the server's catalogue (GET /staff/me → menus, already filtered by the
 * user's permissions). The console adds only pages the catalogue has no entry for, shown under
 * the same permission rule.
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

/** Console pages the server catalogue does not list (yet). */
export const EXTRA_MENUS: ConsoleMenu[] = [
  {
    key: 'buildings',
    group: 'directory',
    zh: '楼宇楼层',
    en: 'Buildings & floors',
    path: '/directory/buildings',
    permission: 'directory.manage',
  },
  {
    key: 'writeback-failures',
    group: 'payments',
    zh: 'HIS 回写失败',
    en: 'HIS write-back failures',
    path: '/payments/writeback-failures',
    permission: 'payments.read',
  },
  {
    key: 'insurance-settlements',
    group: 'payments',
    zh: '医保结算',
    en: 'Insurance settlements',
    path: '/payments/insurance-settlements',
    permission: 'payments.read',
  },
  {
    key: 'exam-packages',
    group: 'services',
    zh: '体检套餐',
    en: 'Exam packages',
    path: '/services/exam-packages',
    permission: 'exams.manage',
  },
  {
    key: 'exam-bookings',
    group: 'services',
    zh: '体检预约',
    en: 'Exam bookings',
    path: '/services/exam-bookings',
    permission: 'exams.manage',
  },
  {
    key: 'bills',
    group: 'payments',
    zh: '门诊缴费单据',
    en: 'Outpatient bills',
    path: '/payments/bills',
    permission: 'payments.read',
  },
  {
    key: 'einvoices',
    group: 'payments',
    zh: '电子票据',
    en: 'E-invoices',
    path: '/payments/einvoices',
    permission: 'payments.read',
  },
  {
    key: 'reports',
    group: 'services',
    zh: '报告查询',
    en: 'Reports',
    path: '/services/reports',
    permission: 'patients.read',
  },
  {
    key: 'indicators',
    group: 'services',
    zh: '指标知识库',
    en: 'Indicator knowledge base',
    path: '/services/indicators',
    permission: 'content.manage',
  },
  {
    key: 'prescriptions',
    group: 'services',
    zh: '医保电子处方',
    en: 'Insurance e-prescriptions',
    path: '/pharmacy/prescriptions',
    permission: 'prescription.read',
  },
];

/** Every route the console knows, with the permission that opens it (mirrors the server catalogue). */
export const ROUTE_PERMISSIONS: Record<string, { path: string; permission?: string }> = {
  dashboard: { path: '/' },
  users: { path: '/system/users', permission: 'staff.manage' },
  roles: { path: '/system/roles', permission: 'staff.manage' },
  audit: { path: '/system/audit', permission: 'audit.read' },
  'sms-log': { path: '/system/sms-log', permission: 'sms.read' },
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

export function visibleMenu(permissions: string[], serverMenus: ConsoleMenu[] | undefined): MenuGroup[] {
  const server = serverMenus ?? [];
  const extras = EXTRA_MENUS.filter(
    (m) => holds(permissions, m.permission) && !server.some((s) => s.key === m.key || s.path === m.path),
  );
  const all = [...server, ...extras];
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
