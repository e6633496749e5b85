import type { FastifyInstance } from 'fastify';
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
  StaffAdminAuditLogsQuery,
  StaffAdminRolesPatchBody,
  StaffAdminRolesPostBody,
  StaffAdminSecurityAlertsAcknowledgePostParams,
  StaffAdminSecurityAlertsQuery,
  StaffAdminUsersPatchBody,
  StaffAdminUsersPostBody,
  StaffAdminUsersQuery,
  StaffAdminUsersResetPasswordPostBody,
  StaffAuthChangePasswordPostBody,
  StaffAuthLoginPostBody,
  StaffAuthLoginPostResponse,
  StaffAuthRefreshPostBody,
  StaffAuthRefreshPostResponse,
  StaffMeListResponse,
  StaffRoleParams,
  StaffUserIdParams,
  StaffUserView,
} from '@qingnang/contracts';

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
          body: StaffAuthLoginPostBody,
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
          body: StaffAuthChangePasswordPostBody,
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
          body: StaffAuthRefreshPostBody,
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
          querystring: StaffAdminUsersQuery,
          response: { 200: AdminUsersListResponse },
        },
        ...manage,
      },
      async (req) => listStaffUsers(ctx, req.query),
    );

    r.get(
      '/v1/admin/users/:id',
      {
        schema: { tags: tags.admin, params: StaffUserIdParams, response: { 200: StaffUserView } },
        ...manage,
      },
      async (req) => getStaffUser(ctx, req.params.id),
    );

    r.post(
      '/v1/admin/users',
      {
        schema: {
          tags: tags.admin,
          summary: 'Create a staff account with an initial password (must be changed at first login)',
          body: StaffAdminUsersPostBody,
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
          params: StaffUserIdParams,
          body: StaffAdminUsersPatchBody,
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
          params: StaffUserIdParams,
          summary: 'Disable and sign out',
          response: { 200: StaffUserView },
        },
        ...manage,
      },
      async (req) => updateStaffUser(ctx, req, req.params.id, { enabled: false }),
    );

    r.post(
      '/v1/admin/users/:id/enable',
      {
        schema: { tags: tags.admin, params: StaffUserIdParams, response: { 200: StaffUserView } },
        ...manage,
      },
      async (req) => updateStaffUser(ctx, req, req.params.id, { enabled: true }),
    );

    r.post(
      '/v1/admin/users/:id/unlock',
      {
        schema: {
          tags: tags.admin,
          params: StaffUserIdParams,
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
          querystring: StaffAdminSecurityAlertsQuery,
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
          params: StaffAdminSecurityAlertsAcknowledgePostParams,
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
          params: StaffUserIdParams,
          summary: 'Set a new initial password; the user must change it and is signed out',
          body: StaffAdminUsersResetPasswordPostBody,
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
      { schema: { tags: tags.admin, params: StaffRoleParams, response: { 200: RoleView } }, ...manage },
      async (req) => getRole(ctx, req.params.code),
    );

    r.post(
      '/v1/admin/roles',
      {
        schema: {
          tags: tags.admin,
          body: StaffAdminRolesPostBody,
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
          params: StaffRoleParams,
          body: StaffAdminRolesPatchBody,
          response: { 200: RoleView },
        },
        ...manage,
      },
      async (req) => updateRole(ctx, req, req.params.code, req.body),
    );

    r.delete(
      '/v1/admin/roles/:code',
      { schema: { tags: tags.admin, params: StaffRoleParams, response: { 204: NoContent } }, ...manage },
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
          querystring: StaffAdminAuditLogsQuery,
          response: { 200: AdminAuditLogsListResponse },
        },
        preHandler: requireStaff(ctx, 'audit.read'),
      },
      async (req) => searchAuditLog(ctx, req.query),
    );
  },
};
