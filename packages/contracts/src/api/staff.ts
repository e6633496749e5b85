/** Response schemas of the staff module's routes (derived from what the handlers return). */
import { z } from 'zod';

export const StaffUserView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  enabled: z.boolean(),
  mustChangePassword: z.boolean(),
  locked: z.boolean(),
  lockedUntil: z.string().nullable(),
  roles: z.array(z.string()),
  departmentId: z.string().nullable(),
  doctorId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StaffUserView = z.infer<typeof StaffUserView>;

export const ConsoleMenu = z.object({
  key: z.string(),
  group: z.enum(['home', 'system', 'directory', 'scheduling', 'registration', 'payments', 'services']),
  zh: z.string(),
  en: z.string(),
  path: z.string(),
  permission: z
    .enum([
      'staff.manage',
      'audit.read',
      'sms.read',
      'notifications.read',
      'notifications.send',
      'events.manage',
      'directory.manage',
      'content.manage',
      'prices.manage',
      'patients.read',
      'patients.link',
      'scheduling.manage',
      'registrations.read',
      'registrations.manage',
      'blacklist.manage',
      'channels.manage',
      'payments.read',
      'refunds.manage',
      'einvoices.manage',
      'credit.manage',
      'deposits.manage',
      'execution.record',
      'exams.manage',
      'doctor.workbench',
      'nurse.workbench',
      'pharmacy.workbench',
      'prescription.read',
      'prescription.manage',
      'emergency.workbench',
    ])
    .optional(),
});
export type ConsoleMenu = z.infer<typeof ConsoleMenu>;

export const SecurityAlertView = z.object({
  id: z.string(),
  kind: z.enum(['login_locked', 'address_throttled']),
  staffId: z.string().nullable(),
  username: z.string().nullable(),
  ip: z.string(),
  failures: z.number(),
  lockedUntil: z.string(),
  createdAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type SecurityAlertView = z.infer<typeof SecurityAlertView>;

export const RoleView = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  builtin: z.boolean(),
  permissions: z.array(z.string()),
  userCount: z.number(),
});
export type RoleView = z.infer<typeof RoleView>;

export const StaffAuthLoginPostResponse = z.object({
  mustChangePassword: z.boolean(),
  user: StaffUserView,
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  tokenType: z.literal('Bearer'),
});
export type StaffAuthLoginPostResponse = z.infer<typeof StaffAuthLoginPostResponse>;

export const StaffAuthRefreshPostResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  tokenType: z.literal('Bearer'),
});
export type StaffAuthRefreshPostResponse = z.infer<typeof StaffAuthRefreshPostResponse>;

export const StaffMeListResponse = z.object({
  openSecurityAlerts: z.number().optional(),
  user: StaffUserView,
  roles: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() })),
  permissions: z.array(z.string()),
  menus: z.array(ConsoleMenu),
});
export type StaffMeListResponse = z.infer<typeof StaffMeListResponse>;

export const AdminUsersListResponse = z.object({
  items: z.array(StaffUserView),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminUsersListResponse = z.infer<typeof AdminUsersListResponse>;

export const AdminSecurityAlertsListResponse = z.object({
  items: z.array(SecurityAlertView),
  open: z.number(),
});
export type AdminSecurityAlertsListResponse = z.infer<typeof AdminSecurityAlertsListResponse>;

export const AdminRolesListResponse = z.object({ items: z.array(RoleView) });
export type AdminRolesListResponse = z.infer<typeof AdminRolesListResponse>;

export const AdminPermissionsListResponse = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      zh: z.enum([
        '用户与角色管理',
        '查看审计日志',
        '查看短信发送记录',
        '查看消息推送记录',
        '推送关怀消息',
        '查看失败的事件投递并重新投递',
        '医院信息维护',
        '资讯内容维护',
        '价格公示维护',
        '查看患者信息',
        '窗口核验身份、关联未成年人与申诉',
        '排班管理',
        '查看挂号记录',
        '代患者退号、加号',
        '黑名单管理',
        '渠道管理',
        '查看支付订单',
        '人工退款',
        '电子票据重开',
        '信用就医账户暂停与恢复',
        '住院预交金重新回写 HIS',
        '执行科室扫码执行登记',
        '体检套餐与号源管理',
        '医生工作台',
        '护士工作台',
        '药师工作台',
        '查看医保电子处方',
        '医保电子处方重新上传',
        '急救工作台',
      ]),
      en: z.enum([
        'Manage staff users and roles',
        'Read the audit log',
        'Read the SMS delivery log',
        'Read the notification delivery log',
        'Send care messages to patients',
        'Read dead event deliveries and retry them',
        'Maintain hospital directory',
        'Maintain articles',
        'Maintain the price list',
        'Read patient data',
        'Link patients at the counter (identity documents, minors, appeals)',
        'Manage schedules',
        'Read registrations',
        'Cancel registrations and add extra slots',
        'Manage the blacklist',
        'Manage third-party channels',
        'Read payment orders',
        'Issue manual refunds',
        'Re-issue e-invoices',
        'Suspend and resume credit care',
        'Retry inpatient deposit write-backs to the HIS',
        'Register execution at the department PDA',
        'Manage physical-exam packages and capacity',
        'Doctor workbench',
        'Nurse workbench',
        'Pharmacist workbench',
        'Read insurance e-prescriptions',
        'Retry insurance e-prescription uploads',
        'Ambulance medic workbench',
      ]),
    }),
  ),
});
export type AdminPermissionsListResponse = z.infer<typeof AdminPermissionsListResponse>;

export const AdminMenusListResponse = z.object({ items: z.array(ConsoleMenu) });
export type AdminMenusListResponse = z.infer<typeof AdminMenusListResponse>;

export const AdminAuditLogsListResponse = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      actorKind: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      actorUsername: z.string().nullable(),
      action: z.string(),
      objectType: z.string().nullable(),
      objectId: z.string().nullable(),
      objectName: z.string().nullable(),
      outcome: z.string(),
      ip: z.string().nullable(),
      requestId: z.string().nullable(),
      detail: z.unknown(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminAuditLogsListResponse = z.infer<typeof AdminAuditLogsListResponse>;

// ------------------------------------------------------------ request schemas

/** The longest password a staff member may set (the strength rules are checked by the server). */
export const STAFF_PASSWORD_MAX_LENGTH = 128;

const text = (max: number) => z.string().max(max);
const password = text(STAFF_PASSWORD_MAX_LENGTH).min(1);
const username = z.string().regex(/^[A-Za-z0-9_.-]{3,32}$/, '3-32 letters, digits, dot, dash or underscore');
const displayName = text(50).trim().min(1);
const roleCode = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'lower-case letters, digits, dash, underscore');
const roleName = text(50).trim().min(1);
const permissionKey = text(64).min(1);
const optionalRef = text(64).min(1).nullable().optional();
const page = z.coerce.number().int().min(1).max(100_000).default(1);
const pageSize = z.coerce.number().int().min(1).max(100).default(20);

/** POST /v1/staff/auth/login: body. */
export const StaffAuthLoginPostBody = z.object({ username: text(64).min(1), password }).strict();

/** POST /v1/staff/auth/change-password: body. */
export const StaffAuthChangePasswordPostBody = z
  .object({ oldPassword: password, newPassword: password })
  .strict();

/** POST /v1/staff/auth/refresh: body. */
export const StaffAuthRefreshPostBody = z.object({ refreshToken: text(200).min(1) }).strict();

/** GET /v1/admin/users: query. */
export const StaffAdminUsersQuery = z
  .object({
    q: text(64).optional(),
    role: roleCode.optional(),
    enabled: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    page,
    pageSize,
  })
  .strict();

/** POST /v1/admin/users: body. */
export const StaffAdminUsersPostBody = z
  .object({
    username,
    displayName,
    password,
    roles: z.array(roleCode).max(20).default([]),
    departmentId: optionalRef,
    doctorId: optionalRef,
  })
  .strict();

/** PATCH /v1/admin/users/:id: body. */
export const StaffAdminUsersPatchBody = z
  .object({
    displayName: displayName.optional(),
    roles: z.array(roleCode).max(20).optional(),
    enabled: z.boolean().optional(),
    departmentId: optionalRef,
    doctorId: optionalRef,
  })
  .strict();

/** GET /v1/admin/security-alerts: query. */
export const StaffAdminSecurityAlertsQuery = z
  .object({
    open: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** POST /v1/admin/security-alerts/:id/acknowledge: params. */
export const StaffAdminSecurityAlertsAcknowledgePostParams = z.object({ id: z.uuid() });

/** POST /v1/admin/users/:id/reset-password: body. */
export const StaffAdminUsersResetPasswordPostBody = z.object({ newPassword: password }).strict();

/** POST /v1/admin/roles: body. */
export const StaffAdminRolesPostBody = z
  .object({
    code: roleCode,
    nameZh: roleName,
    nameEn: roleName,
    permissions: z.array(permissionKey).max(100).default([]),
  })
  .strict();

/** PATCH /v1/admin/roles/:code: body. */
export const StaffAdminRolesPatchBody = z
  .object({
    nameZh: roleName.optional(),
    nameEn: roleName.optional(),
    permissions: z.array(permissionKey).max(100).optional(),
  })
  .strict();

/** GET /v1/admin/audit-logs: query. */
export const StaffAdminAuditLogsQuery = z
  .object({
    actorId: text(64).min(1).optional(),
    action: text(64).min(1).optional(),
    objectType: text(64).min(1).optional(),
    objectId: text(128).min(1).optional(),
    outcome: z.enum(['success', 'denied', 'failed']).optional(),
    requestId: text(64).min(1).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    page,
    pageSize,
  })
  .strict();

export const StaffUserIdParams = z.object({ id: z.uuid() });

export const StaffRoleParams = z.object({ code: roleCode });
