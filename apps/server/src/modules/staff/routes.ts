import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { requireStaff } from '../../platform/auth.js';
import { PERMISSIONS } from '../../platform/permissions.js';
import type { Module } from '../index.js';
import {
  changeOwnPassword,
  describeMe,
  loginStaffUser,
  logoutStaff,
  refreshStaffSession,
} from './auth-service.js';
import { searchAuditLog } from './audit-logs.js';
import { acknowledgeSecurityAlert, listSecurityAlerts } from './login-throttle.js';
import { CONSOLE_MENUS } from './menus.js';
import { PASSWORD_MAX_LENGTH } from './password.js';
import { createRole, deleteRole, getRole, listRoles, updateRole } from './roles.js';
import {
  createStaffUser,
  getStaffUser,
  listStaffUsers,
  resetStaffPassword,
  unlockStaffUser,
  updateStaffUser,
} from './users.js';
import {
  AdminAuditLogsListResponse,
  AdminMenusListResponse,
  AdminPermissionsListResponse,
  AdminRolesListResponse,
  AdminSecurityAlertsListResponse,
  AdminUsersListResponse,
  NoContent,
  RoleView,
  SecurityAlertView,
  StaffAuthLoginPostResponse,
  StaffAuthRefreshPostResponse,
  StaffMeListResponse,
  StaffUserView,
} from '@qingnang/contracts';

const text = (max: number) => z.string().max(max);
const password = text(PASSWORD_MAX_LENGTH).min(1);
const username = z.string().regex(/^[A-Za-z0-9_.-]{3,32}$/, '3-32 letters, digits, dot, dash or underscore');
const displayName = text(50).trim().min(1);
const roleCode = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'lower-case letters, digits, dash, underscore');
const roleName = text(50).trim().min(1);
const permissionKey = text(64).min(1);
const optionalRef = text(64).min(1).nullable().optional();
const page = z.coerce.number().int().min(1).max(100_000).default(1);
const pageSize = z.coerce.number().int().min(1).max(100).default(20);
const userIdParams = z.object({ id: z.uuid() });
const roleParams = z.object({ code: roleCode });
const tags = { auth: ['staff-auth'], admin: ['staff-admin'], audit: ['audit'] };

export const staffModule: Module = {
  name: 'staff',
  async register(app: FastifyInstance, ctx: AppContext) {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const manage = { preHandler: requireStaff(ctx, 'staff.manage') };
    const pending = { allowPendingPasswordChange: true };

    // --- staff sign-in -------------------------------------------------------------------------
    r.post(
      '/v1/staff/auth/login',
      {
        schema: {
          tags: tags.auth,
          summary: 'Staff password login (5 failures lock the account for 15 minutes)',
          body: z.object({ username: text(64).min(1), password }).strict(),
          response: { 200: StaffAuthLoginPostResponse },
        },
      },
      async (req) => loginStaffUser(ctx, req, req.body),
    );

    r.post(
      '/v1/staff/auth/change-password',
      {
        schema: {
          tags: tags.auth,
          summary: 'Replace the own password (required after an initial or reset password)',
          body: z.object({ oldPassword: password, newPassword: password }).strict(),
          response: { 204: NoContent },
        },
        preHandler: requireStaff(ctx, undefined, pending),
      },
      async (req, reply) => {
        await changeOwnPassword(ctx, req, req.body);
        return reply.status(204).send();
      },
    );

    r.post(
      '/v1/staff/auth/refresh',
      {
        schema: {
          tags: tags.auth,
          summary: 'Rotate a staff refresh token',
          body: z.object({ refreshToken: text(200).min(1) }).strict(),
          response: { 200: StaffAuthRefreshPostResponse },
        },
      },
      async (req) => refreshStaffSession(ctx, req.body.refreshToken),
    );

    r.post(
      '/v1/staff/auth/logout',
      {
        schema: { tags: tags.auth, summary: 'End this staff session', response: { 204: NoContent } },
        preHandler: requireStaff(ctx, undefined, pending),
      },
      async (req, reply) => {
        await logoutStaff(ctx, req);
        return reply.status(204).send();
      },
    );

    r.get(
      '/v1/staff/me',
      {
        schema: {
          tags: tags.auth,
          summary: 'The signed-in staff user, roles, permissions and menus',
          response: { 200: StaffMeListResponse },
        },
        preHandler: requireStaff(ctx, undefined, pending),
      },
      async (req) => describeMe(ctx, req),
    );

    // --- accounts ------------------------------------------------------------------------------
    r.get(
      '/v1/admin/users',
      {
        schema: {
          tags: tags.admin,
          querystring: z
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
            .strict(),
          response: { 200: AdminUsersListResponse },
        },
        ...manage,
      },
      async (req) => listStaffUsers(ctx, req.query),
    );

    r.get(
      '/v1/admin/users/:id',
      { schema: { tags: tags.admin, params: userIdParams, response: { 200: StaffUserView } }, ...manage },
      async (req) => getStaffUser(ctx, req.params.id),
    );

    r.post(
      '/v1/admin/users',
      {
        schema: {
          tags: tags.admin,
          summary: 'Create a staff account with an initial password (must be changed at first login)',
          body: z
            .object({
              username,
              displayName,
              password,
              roles: z.array(roleCode).max(20).default([]),
              departmentId: optionalRef,
              doctorId: optionalRef,
            })
            .strict(),
          response: { 201: StaffUserView },
        },
        ...manage,
      },
      async (req, reply) => reply.status(201).send(await createStaffUser(ctx, req, req.body)),
    );

    r.patch(
      '/v1/admin/users/:id',
      {
        schema: {
          tags: tags.admin,
          params: userIdParams,
          body: z
            .object({
              displayName: displayName.optional(),
              roles: z.array(roleCode).max(20).optional(),
              enabled: z.boolean().optional(),
              departmentId: optionalRef,
              doctorId: optionalRef,
            })
            .strict(),
          response: { 200: StaffUserView },
        },
        ...manage,
      },
      async (req) => updateStaffUser(ctx, req, req.params.id, req.body),
    );

    r.post(
      '/v1/admin/users/:id/disable',
      {
        schema: {
          tags: tags.admin,
          params: userIdParams,
          summary: 'Disable and sign out',
          response: { 200: StaffUserView },
        },
        ...manage,
      },
      async (req) => updateStaffUser(ctx, req, req.params.id, { enabled: false }),
    );

    r.post(
      '/v1/admin/users/:id/enable',
      { schema: { tags: tags.admin, params: userIdParams, response: { 200: StaffUserView } }, ...manage },
      async (req) => updateStaffUser(ctx, req, req.params.id, { enabled: true }),
    );

    r.post(
      '/v1/admin/users/:id/unlock',
      {
        schema: {
          tags: tags.admin,
          params: userIdParams,
          summary: 'Lift the login locks of an account from every address and close its alerts',
          response: { 200: StaffUserView },
        },
        ...manage,
      },
      async (req) => unlockStaffUser(ctx, req, req.params.id),
    );

    r.get(
      '/v1/admin/security-alerts',
      {
        schema: {
          tags: tags.admin,
          summary: 'Logins locked by wrong passwords and addresses paused, newest first',
          querystring: z
            .object({
              open: z.enum(['true', 'false']).optional(),
              limit: z.coerce.number().int().min(1).max(200).default(50),
            })
            .strict(),
          response: { 200: AdminSecurityAlertsListResponse },
        },
        ...manage,
      },
      async (req) =>
        listSecurityAlerts(ctx, {
          open: req.query.open === undefined ? undefined : req.query.open === 'true',
          limit: req.query.limit,
        }),
    );

    r.post(
      '/v1/admin/security-alerts/:id/acknowledge',
      {
        schema: {
          tags: tags.admin,
          params: z.object({ id: z.uuid() }),
          response: { 200: SecurityAlertView },
        },
        ...manage,
      },
      async (req) => acknowledgeSecurityAlert(ctx, req, req.params.id),
    );

    r.post(
      '/v1/admin/users/:id/reset-password',
      {
        schema: {
          tags: tags.admin,
          params: userIdParams,
          summary: 'Set a new initial password; the user must change it and is signed out',
          body: z.object({ newPassword: password }).strict(),
          response: { 200: StaffUserView },
        },
        ...manage,
      },
      async (req) => resetStaffPassword(ctx, req, req.params.id, req.body.newPassword),
    );

    // --- roles, permissions, menus -------------------------------------------------------------
    r.get(
      '/v1/admin/roles',
      { schema: { tags: tags.admin, response: { 200: AdminRolesListResponse } }, ...manage },
      async () => ({
        items: await listRoles(ctx),
      }),
    );

    r.get(
      '/v1/admin/roles/:code',
      { schema: { tags: tags.admin, params: roleParams, response: { 200: RoleView } }, ...manage },
      async (req) => getRole(ctx, req.params.code),
    );

    r.post(
      '/v1/admin/roles',
      {
        schema: {
          tags: tags.admin,
          body: z
            .object({
              code: roleCode,
              nameZh: roleName,
              nameEn: roleName,
              permissions: z.array(permissionKey).max(100).default([]),
            })
            .strict(),
          response: { 201: RoleView },
        },
        ...manage,
      },
      async (req, reply) => reply.status(201).send(await createRole(ctx, req, req.body)),
    );

    r.patch(
      '/v1/admin/roles/:code',
      {
        schema: {
          tags: tags.admin,
          params: roleParams,
          body: z
            .object({
              nameZh: roleName.optional(),
              nameEn: roleName.optional(),
              permissions: z.array(permissionKey).max(100).optional(),
            })
            .strict(),
          response: { 200: RoleView },
        },
        ...manage,
      },
      async (req) => updateRole(ctx, req, req.params.code, req.body),
    );

    r.delete(
      '/v1/admin/roles/:code',
      { schema: { tags: tags.admin, params: roleParams, response: { 204: NoContent } }, ...manage },
      async (req, reply) => {
        await deleteRole(ctx, req, req.params.code);
        return reply.status(204).send();
      },
    );

    r.get(
      '/v1/admin/permissions',
      { schema: { tags: tags.admin, response: { 200: AdminPermissionsListResponse } }, ...manage },
      async () => ({
        items: Object.entries(PERMISSIONS).map(([key, label]) => ({ key, zh: label.zh, en: label.en })),
      }),
    );

    r.get(
      '/v1/admin/menus',
      { schema: { tags: tags.admin, response: { 200: AdminMenusListResponse } }, ...manage },
      async () => ({
        items: CONSOLE_MENUS,
      }),
    );

    // --- audit log (read only: there is deliberately no route that changes it) -----------------
    r.get(
      '/v1/admin/audit-logs',
      {
        schema: {
          tags: tags.audit,
          summary: 'Search the audit log, newest first',
          querystring: z
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
            .strict(),
          response: { 200: AdminAuditLogsListResponse },
        },
        preHandler: requireStaff(ctx, 'audit.read'),
      },
      async (req) => searchAuditLog(ctx, req.query),
    );
  },
};
