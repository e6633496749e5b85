import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audit, auditPatientAccess, subjectOf } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { dayjs } from '../../platform/clock.js';
import { DomainError, badRequest } from '../../platform/errors.js';
import type { Module } from '../index.js';
import {
  bookForPatient,
  cancelByPatient,
  cancelRegistration,
  checkIn,
  exportRegistrations,
  listOwnRegistrations,
  loadRegistration,
  ownRegistration,
  recentDoctors,
  registrationDetail,
  searchRegistrations,
  stopClinic,
  stopClinicsForHoliday,
} from './service.js';
import { assertWithinScope, clinicalScopeOf, withinScope } from './staff-scope.js';
import {
  AdminRegistrationsCancelPostResponse,
  AdminRegistrationsExportListResponse,
  AdminRegistrationsGetResponse,
  AdminRegistrationsListResponse,
  AdminSchedulesHolidayStopPostResponse,
  AdminSchedulesStopPostResponse,
  RegistrationAdminFilter,
  RegistrationAdminRegistrationsCancelPostBody,
  RegistrationAdminRegistrationsCancelPostParams,
  RegistrationAdminRegistrationsExportQuery,
  RegistrationAdminRegistrationsParams,
  RegistrationAdminSchedulesHolidayStopPostBody,
  RegistrationAdminSchedulesStopPostBody,
  RegistrationAdminSchedulesStopPostParams,
  RegistrationsCancelPostBody,
  RegistrationsCancelPostParams,
  RegistrationsCancelPostResponse,
  RegistrationsCheckInPostBody,
  RegistrationsCheckInPostParams,
  RegistrationsCheckInPostResponse,
  RegistrationsGetResponse,
  RegistrationsListResponse,
  RegistrationsParams,
  RegistrationsPostBody,
  RegistrationsPostResponse,
  RegistrationsQuery,
  RegistrationsRecentDoctorsListResponse,
} from '@qingnang/contracts';

/** The registration module's routes (patient, staff desk and console); module.ts registers them. */
export const registrationRoutes: Pick<Module, 'register'> = {
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['registration'];
    const adminTags = ['registration (console)'];
    const patient = requirePatient(ctx);

    // ------------------------------------------------------------ patient
    app.post(
      '/v1/registrations',
      {
        schema: {
          tags,
          summary: 'Book a slot for one of my patients (locks it until the payment deadline)',
          body: RegistrationsPostBody,
          response: { 201: RegistrationsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) => {
        try {
          const r = await bookForPatient(ctx, principalOf(req).id, req.body);
          return reply.status(201).send(r);
        } catch (err) {
          // the release-peak queue is full: tell the app when to try again
          if (err instanceof DomainError && err.code === 'REGISTRATION_BUSY')
            reply.header('retry-after', '2');
          throw err;
        }
      },
    );
    app.get(
      '/v1/registrations',
      {
        schema: {
          tags,
          querystring: RegistrationsQuery,
          response: { 200: RegistrationsListResponse },
        },
        preHandler: patient,
      },
      async (req) => ({ items: await listOwnRegistrations(ctx, principalOf(req).id, req.query) }),
    );
    app.get(
      '/v1/registrations/recent-doctors',
      {
        schema: {
          tags,
          summary: 'Doctors I registered with before (quick re-book)',
          response: { 200: RegistrationsRecentDoctorsListResponse },
        },
        preHandler: patient,
      },
      async (req) => ({ items: await recentDoctors(ctx, principalOf(req).id) }),
    );
    app.get(
      '/v1/registrations/:id',
      {
        schema: {
          tags,
          params: RegistrationsParams,
          response: { 200: RegistrationsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => registrationDetail(ctx, await ownRegistration(ctx, principalOf(req).id, req.params.id)),
    );
    app.post(
      '/v1/registrations/:id/cancel',
      {
        schema: {
          tags,
          summary: '退号: cancel within the window; a paid fee is refunded',
          params: RegistrationsCancelPostParams,
          body: RegistrationsCancelPostBody,
          response: { 200: RegistrationsCancelPostResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const r = await cancelByPatient(ctx, principalOf(req).id, req.params.id, req.body?.reason);
        return registrationDetail(ctx, r);
      },
    );
    app.post(
      '/v1/registrations/:id/check-in',
      {
        schema: {
          tags,
          summary: '取号 on the clinic day: gives a queue number',
          params: RegistrationsCheckInPostParams,
          body: RegistrationsCheckInPostBody,
          response: { 200: RegistrationsCheckInPostResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        const r = await checkIn(ctx, principalOf(req).id, req.params.id, req.body ?? {});
        return registrationDetail(ctx, r);
      },
    );

    // ------------------------------------------------------------ console
    app.get(
      '/v1/admin/registrations',
      {
        schema: {
          tags: adminTags,
          querystring: RegistrationAdminFilter,
          response: { 200: AdminRegistrationsListResponse },
        },
        preHandler: requireStaff(ctx, 'registrations.read'),
      },
      async (req) => {
        // doctors see their own clinics, nurses their department's (least privilege)
        const scope = await clinicalScopeOf(ctx, principalOf(req));
        assertWithinScope(scope, req.query);
        const result = await searchRegistrations(ctx, { ...req.query, scope });
        await audit(ctx, req, {
          action: 'registration.search',
          objectType: 'registration',
          detail: { ...req.query },
        });
        return result;
      },
    );
    app.get(
      '/v1/admin/registrations/export',
      {
        schema: {
          tags: adminTags,
          querystring: RegistrationAdminRegistrationsExportQuery,
          response: { 200: AdminRegistrationsExportListResponse },
        },
        preHandler: requireStaff(ctx, 'registrations.read'),
      },
      async (req, reply) => {
        const q = req.query;
        if (!q.date && !(q.from && q.to))
          throw badRequest(
            'DATE_RANGE_REQUIRED',
            '请选择导出日期或日期范围',
            'Give a date or a from/to range',
          );
        if (q.from && q.to && dayjs(q.to).diff(dayjs(q.from), 'day') > 92)
          throw badRequest('DATE_RANGE_INVALID', '导出范围最多92天', 'Export at most 92 days');
        const scope = await clinicalScopeOf(ctx, principalOf(req));
        assertWithinScope(scope, q);
        const file = await exportRegistrations(ctx, { ...q, scope });
        await audit(ctx, req, {
          action: 'registration.export',
          objectType: 'registration',
          detail: { ...q },
        });
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header(
            'content-disposition',
            `attachment; filename="registrations-${q.date ?? `${q.from}_${q.to}`}.xlsx"`,
          )
          .send(file);
      },
    );
    app.get(
      '/v1/admin/registrations/:id',
      {
        schema: {
          tags: adminTags,
          params: RegistrationAdminRegistrationsParams,
          response: { 200: AdminRegistrationsGetResponse },
        },
        preHandler: requireStaff(ctx, 'registrations.read'),
      },
      async (req) => {
        const r = await loadRegistration(ctx.db, req.params.id);
        // outside a clinical account's scope a registration reads as not found
        if (!withinScope(await clinicalScopeOf(ctx, principalOf(req)), r))
          throw new DomainError('REGISTRATION_NOT_FOUND', 404, '挂号记录不存在', 'Registration not found');
        await auditPatientAccess(ctx, req, {
          action: 'registration.read',
          objectType: 'registration',
          objectId: r.id,
          recordKind: 'registration',
          ground: 'service',
          subjects: subjectOf(r),
        });
        return registrationDetail(ctx, r);
      },
    );
    app.post(
      '/v1/admin/registrations/:id/cancel',
      {
        schema: {
          tags: adminTags,
          summary: 'Cancel on the patient’s behalf (reason required); a paid fee is refunded',
          params: RegistrationAdminRegistrationsCancelPostParams,
          body: RegistrationAdminRegistrationsCancelPostBody,
          response: { 200: AdminRegistrationsCancelPostResponse },
        },
        preHandler: requireStaff(ctx, 'registrations.manage'),
      },
      async (req) => {
        const staff = principalOf(req);
        const r = await cancelRegistration(ctx, {
          registrationId: req.params.id,
          by: `staff:${staff.id}`,
          reason: req.body.reason,
        });
        await audit(ctx, req, {
          action: 'registration.cancel',
          objectType: 'registration',
          objectId: r.id,
          detail: { reason: req.body.reason },
        });
        return registrationDetail(ctx, r);
      },
    );
    app.post(
      '/v1/admin/schedules/:id/stop',
      {
        schema: {
          tags: adminTags,
          summary:
            '停诊 for the whole schedule or one segment: cancels, refunds and notifies the affected patients',
          params: RegistrationAdminSchedulesStopPostParams,
          body: RegistrationAdminSchedulesStopPostBody,
          response: { 200: AdminSchedulesStopPostResponse },
        },
        preHandler: requireStaff(ctx, 'scheduling.manage'),
      },
      async (req) => {
        const r = await stopClinic(ctx, {
          scheduleId: req.params.id,
          segmentId: req.body.segmentId,
          reason: req.body.reason,
          by: 'system:clinic_stop',
        });
        await audit(ctx, req, {
          action: 'scheduling.stop-clinic',
          objectType: 'schedule',
          objectId: req.params.id,
          detail: { segmentId: req.body.segmentId ?? null, reason: req.body.reason, ...r },
        });
        return r;
      },
    );
    app.post(
      '/v1/admin/schedules/holiday-stop',
      {
        schema: {
          tags: adminTags,
          summary: '假期停诊: stop every clinic in a date range (of a department, or one doctor’s whole day)',
          body: RegistrationAdminSchedulesHolidayStopPostBody,
          response: { 200: AdminSchedulesHolidayStopPostResponse },
        },
        preHandler: requireStaff(ctx, 'scheduling.manage'),
      },
      async (req) => {
        const { from, to } = req.body;
        if (to < from || dayjs(to).diff(dayjs(from), 'day') > 31)
          throw badRequest(
            'DATE_RANGE_INVALID',
            '日期范围不正确（最多31天）',
            'Date range is invalid (31 days max)',
          );
        const r = await stopClinicsForHoliday(ctx, { ...req.body, by: 'system:clinic_stop' });
        await audit(ctx, req, {
          action: 'scheduling.holiday-stop',
          objectType: 'schedule',
          detail: { ...req.body, ...r },
        });
        return r;
      },
    );
  },
};
