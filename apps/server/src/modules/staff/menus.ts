import { holds, type Permission } from '../../platform/permissions.js';

export interface ConsoleMenu {
  key: string;
  group: 'home' | 'system' | 'directory' | 'scheduling' | 'registration' | 'payments' | 'services';
  zh: string;
  en: string;
  /** console route */
  path: string;
  /** the permission that shows this menu; none means every staff user sees it */
  permission?: Permission;
}

/** The staff console's menu catalogue: a menu is shown when the user holds its permission. */
export const CONSOLE_MENUS: ConsoleMenu[] = [
  { key: 'dashboard', group: 'home', zh: '工作台', en: 'Dashboard', path: '/' },
  // system administration
  {
    key: 'users',
    group: 'system',
    zh: '用户管理',
    en: 'Users',
    path: '/system/users',
    permission: 'staff.manage',
  },
  {
    key: 'roles',
    group: 'system',
    zh: '角色权限',
    en: 'Roles',
    path: '/system/roles',
    permission: 'staff.manage',
  },
  {
    key: 'audit',
    group: 'system',
    zh: '操作日志',
    en: 'Audit log',
    path: '/system/audit',
    permission: 'audit.read',
  },
  {
    key: 'sms-log',
    group: 'system',
    zh: '短信记录',
    en: 'SMS log',
    path: '/system/sms-log',
    permission: 'sms.read',
  },
  {
    key: 'security-alerts',
    group: 'system',
    zh: '安全提醒',
    en: 'Security alerts',
    path: '/system/security-alerts',
    permission: 'staff.manage',
  },
  {
    key: 'event-deliveries',
    group: 'system',
    zh: '事件投递',
    en: 'Event deliveries',
    path: '/system/event-deliveries',
    permission: 'events.manage',
  },
  // hospital directory and content
  {
    key: 'hospital',
    group: 'directory',
    zh: '医院信息',
    en: 'Hospital',
    path: '/directory/hospital',
    permission: 'directory.manage',
  },
  {
    key: 'campuses',
    group: 'directory',
    zh: '院区管理',
    en: 'Campuses',
    path: '/directory/campuses',
    permission: 'directory.manage',
  },
  {
    key: 'buildings',
    group: 'directory',
    zh: '楼宇楼层',
    en: 'Buildings & floors',
    path: '/directory/buildings',
    permission: 'directory.manage',
  },
  {
    key: 'departments',
    group: 'directory',
    zh: '科室管理',
    en: 'Departments',
    path: '/directory/departments',
    permission: 'directory.manage',
  },
  {
    key: 'doctors',
    group: 'directory',
    zh: '医生管理',
    en: 'Doctors',
    path: '/directory/doctors',
    permission: 'directory.manage',
  },
  {
    key: 'articles',
    group: 'directory',
    zh: '资讯管理',
    en: 'Articles',
    path: '/directory/articles',
    permission: 'content.manage',
  },
  {
    key: 'prices',
    group: 'directory',
    zh: '价格公示',
    en: 'Price list',
    path: '/directory/prices',
    permission: 'prices.manage',
  },
  {
    key: 'featured',
    group: 'directory',
    zh: '特色专科',
    en: 'Featured disciplines',
    path: '/directory/featured',
    permission: 'directory.manage',
  },
  {
    key: 'recommended',
    group: 'directory',
    zh: '推荐医生',
    en: 'Recommended doctors',
    path: '/directory/recommended',
    permission: 'directory.manage',
  },
  // scheduling
  {
    key: 'shifts',
    group: 'scheduling',
    zh: '班次设置',
    en: 'Shifts',
    path: '/scheduling/shifts',
    permission: 'scheduling.manage',
  },
  {
    key: 'templates',
    group: 'scheduling',
    zh: '排班模板',
    en: 'Schedule templates',
    path: '/scheduling/templates',
    permission: 'scheduling.manage',
  },
  {
    key: 'schedules',
    group: 'scheduling',
    zh: '排班管理',
    en: 'Schedules',
    path: '/scheduling/schedules',
    permission: 'scheduling.manage',
  },
  {
    key: 'release-rules',
    group: 'scheduling',
    zh: '放号规则',
    en: 'Release rules',
    path: '/scheduling/release-rules',
    permission: 'scheduling.manage',
  },
  // registration
  {
    key: 'registrations',
    group: 'registration',
    zh: '挂号记录',
    en: 'Registrations',
    path: '/registration/registrations',
    permission: 'registrations.read',
  },
  {
    key: 'blacklist',
    group: 'registration',
    zh: '黑名单',
    en: 'Blacklist',
    path: '/registration/blacklist',
    permission: 'blacklist.manage',
  },
  {
    key: 'counter-link',
    group: 'registration',
    zh: '窗口实名关联',
    en: 'Counter identity link',
    path: '/registration/counter-link',
    permission: 'patients.link',
  },
  {
    key: 'channels',
    group: 'registration',
    zh: '渠道管理',
    en: 'Channels',
    path: '/registration/channels',
    permission: 'channels.manage',
  },
  // payments
  {
    key: 'payment-orders',
    group: 'payments',
    zh: '支付订单',
    en: 'Payment orders',
    path: '/payments/orders',
    permission: 'payments.read',
  },
  {
    key: 'refunds',
    group: 'payments',
    zh: '退款管理',
    en: 'Refunds',
    path: '/payments/refunds',
    permission: 'refunds.manage',
  },
  {
    key: 'abnormal-orders',
    group: 'payments',
    zh: '异常订单',
    en: 'Abnormal orders',
    path: '/payments/abnormal-orders',
    permission: 'refunds.manage',
  },
  // issue 4: outpatient bills, insurance, e-invoices, exams, reports
  {
    key: 'bills',
    group: 'payments',
    zh: '门诊缴费单据',
    en: 'Outpatient bills',
    path: '/payments/bills',
    permission: 'payments.read',
  },
  {
    key: 'inpatient-deposits',
    group: 'payments',
    zh: '住院预交金',
    en: 'Inpatient deposits',
    path: '/payments/inpatient-deposits',
    permission: 'payments.read',
  },
  {
    key: 'credit-accounts',
    group: 'payments',
    zh: '信用就医账户',
    en: 'Credit care accounts',
    path: '/payments/credit-accounts',
    permission: 'payments.read',
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
    key: 'einvoices',
    group: 'payments',
    zh: '电子票据',
    en: 'E-invoices',
    path: '/payments/einvoices',
    permission: 'payments.read',
  },
  // clinical services
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

export function menusFor(permissions: Set<string>): ConsoleMenu[] {
  return CONSOLE_MENUS.filter((m) => !m.permission || holds(permissions, m.permission));
}
