/**
 * The permission catalogue. Roles hold permissions (editable by an admin); menus in the console are
 * shown when the user holds the menu's permission. '*' (held by the builtin admin role) grants all.
 * Add a permission here when a module needs one; never check a role name in code.
 */
export const PERMISSIONS = {
  // administration
  'staff.manage': { zh: '用户与角色管理', en: 'Manage staff users and roles' },
  'audit.read': { zh: '查看审计日志', en: 'Read the audit log' },
  'sms.read': { zh: '查看短信发送记录', en: 'Read the SMS delivery log' },
  'notifications.read': { zh: '查看消息推送记录', en: 'Read the notification delivery log' },
  'notifications.send': { zh: '推送关怀消息', en: 'Send care messages to patients' },
  'events.manage': {
    zh: '查看失败的事件投递并重新投递',
    en: 'Read dead event deliveries and retry them',
  },
  // content and directory
  'directory.manage': { zh: '医院信息维护', en: 'Maintain hospital directory' },
  'content.manage': { zh: '资讯内容维护', en: 'Maintain articles' },
  'prices.manage': { zh: '价格公示维护', en: 'Maintain the price list' },
  // patients
  'patients.read': { zh: '查看患者信息', en: 'Read patient data' },
  'patients.link': {
    zh: '窗口核验身份、关联未成年人与申诉',
    en: 'Link patients at the counter (identity documents, minors, appeals)',
  },
  // scheduling and registration
  'scheduling.manage': { zh: '排班管理', en: 'Manage schedules' },
  'registrations.read': { zh: '查看挂号记录', en: 'Read registrations' },
  'registrations.manage': { zh: '代患者退号、加号', en: 'Cancel registrations and add extra slots' },
  'blacklist.manage': { zh: '黑名单管理', en: 'Manage the blacklist' },
  'channels.manage': { zh: '渠道管理', en: 'Manage third-party channels' },
  // money
  'payments.read': { zh: '查看支付订单', en: 'Read payment orders' },
  'refunds.manage': { zh: '人工退款', en: 'Issue manual refunds' },
  'einvoices.manage': { zh: '电子票据重开', en: 'Re-issue e-invoices' },
  'credit.manage': { zh: '信用就医账户暂停与恢复', en: 'Suspend and resume credit care' },
  'deposits.manage': { zh: '住院预交金重新回写 HIS', en: 'Retry inpatient deposit write-backs to the HIS' },
  'execution.record': { zh: '执行科室扫码执行登记', en: 'Register execution at the department PDA' },
  // physical exams
  'exams.manage': { zh: '体检套餐与号源管理', en: 'Manage physical-exam packages and capacity' },
  // clinical sides (used by later modules)
  'doctor.workbench': { zh: '医生工作台', en: 'Doctor workbench' },
  'nurse.workbench': { zh: '护士工作台', en: 'Nurse workbench' },
  'pharmacy.workbench': { zh: '药师工作台', en: 'Pharmacist workbench' },
  // insurance e-prescriptions (INS-16)
  'prescription.read': { zh: '查看医保电子处方', en: 'Read insurance e-prescriptions' },
  'prescription.manage': { zh: '医保电子处方重新上传', en: 'Retry insurance e-prescription uploads' },
  'emergency.workbench': { zh: '急救工作台', en: 'Ambulance medic workbench' },
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = '*';

/** Builtin roles and their default permissions (seeded by migration; admins may edit them). */
export const BUILTIN_ROLES: Record<string, { zh: string; en: string; permissions: (Permission | '*')[] }> = {
  admin: { zh: '系统管理员', en: 'Administrator', permissions: ['*'] },
  operator: {
    zh: '运营人员',
    en: 'Operator',
    permissions: [
      'directory.manage',
      'content.manage',
      'prices.manage',
      'scheduling.manage',
      'registrations.read',
      'registrations.manage',
      'patients.read',
      'patients.link',
      'sms.read',
      'notifications.read',
      'notifications.send',
      'blacklist.manage',
      'exams.manage',
    ],
  },
  doctor: { zh: '医生', en: 'Doctor', permissions: ['doctor.workbench', 'registrations.read'] },
  nurse: {
    zh: '护士',
    en: 'Nurse',
    permissions: ['nurse.workbench', 'registrations.read', 'execution.record'],
  },
  pharmacist: {
    zh: '药师',
    en: 'Pharmacist',
    permissions: ['pharmacy.workbench', 'execution.record', 'prescription.read', 'prescription.manage'],
  },
  finance: {
    zh: '财务人员',
    en: 'Finance',
    permissions: [
      'payments.read',
      'refunds.manage',
      'registrations.read',
      'einvoices.manage',
      'credit.manage',
      'deposits.manage',
    ],
  },
  medic: { zh: '急救医护', en: 'Ambulance medic', permissions: ['emergency.workbench'] },
};

export function holds(permissions: Set<string>, p: Permission): boolean {
  return permissions.has(ALL_PERMISSIONS) || permissions.has(p);
}
