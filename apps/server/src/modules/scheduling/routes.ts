import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { requireStaff } from '../../platform/auth.js';
import { dayjs } from '../../platform/clock.js';
import { badRequest } from '../../platform/errors.js';
import type { Module } from '../index.js';
import { getDepartment } from '../directory/index.js';
import { readCache } from '../../platform/read-cache.js';
import {
  addExtraSlots,
  browseSchedules,
  createSchedule,
  createTemplate,
  deleteTemplate,
  departmentScheduleDays,
  generateSchedules,
  getSchedule,
  getSegments,
  listReleaseRules,
  listShifts,
  listTemplates,
  updateReleaseRule,
  updateSchedule,
  updateTemplate,
  upsertShift,
  withNames,
} from './service.js';
import {
  AdminReleaseRulesListResponse,
  AdminReleaseRulesPutResponse,
  AdminScheduleTemplatesGeneratePostResponse,
  AdminScheduleTemplatesListResponse,
  AdminScheduleTemplatesPatchResponse,
  AdminScheduleTemplatesPostResponse,
  AdminSchedulesExtraSlotsPostResponse,
  AdminSchedulesGetResponse,
  AdminSchedulesListResponse,
  AdminSchedulesPatchResponse,
  AdminSchedulesPostResponse,
  AdminShiftsListResponse,
  AdminShiftsPutResponse,
  DepartmentsScheduleDaysListResponse,
  NoContent,
  SchedulesListResponse,
  SchedulingAdminReleaseRulesPutBody,
  SchedulingAdminReleaseRulesPutParams,
  SchedulingAdminScheduleTemplatesDeleteParams,
  SchedulingAdminScheduleTemplatesGeneratePostBody,
  SchedulingAdminScheduleTemplatesPatchBody,
  SchedulingAdminScheduleTemplatesPatchParams,
  SchedulingAdminScheduleTemplatesPostBody,
  SchedulingAdminScheduleTemplatesQuery,
  SchedulingAdminSchedulesExtraSlotsPostBody,
  SchedulingAdminSchedulesExtraSlotsPostParams,
  SchedulingAdminSchedulesParams,
  SchedulingAdminSchedulesPatchBody,
  SchedulingAdminSchedulesPatchParams,
  SchedulingAdminSchedulesPostBody,
  SchedulingAdminSchedulesQuery,
  SchedulingAdminShiftsPutBody,
  SchedulingAdminShiftsPutParams,
  SchedulingDepartmentsScheduleDaysParams,
  SchedulingSchedulesQuery,
} from '@qingnang/contracts';

/** The generation job: keeps N weeks of schedules ahead of today (SCH-03). */
export const GENERATE_JOB = 'scheduling.generate-from-templates';

export const schedulingModule: Module = {
  name: 'scheduling',
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['scheduling'];
    const adminTags = ['scheduling (console)'];
    const manage = requireStaff(ctx, 'scheduling.manage');

    ctx.jobs.register(
      GENERATE_JOB,
      async () => {
        const r = await generateSchedules(ctx);
        ctx.log.info({ created: r.created }, 'schedules generated from templates');
      },
      { cron: '15 0 * * *' },
    );

    // ------------------------------------------------------------ patient browsing
    app.get(
      '/v1/schedules',
      {
        schema: {
          tags,
          summary: 'Schedules with remaining slots per segment (by department and date, or by doctor)',
          querystring: SchedulingSchedulesQuery,
          response: { 200: SchedulesListResponse },
        },
      },
      async (req) => {
        const q = req.query;
        const today = ctx.clock.today();
        const from = q.date ?? q.from ?? today;
        const to = q.date ?? q.to ?? dayjs(from).add(14, 'day').format('YYYY-MM-DD');
        if (!q.departmentId && !q.doctorId && !q.date)
          throw badRequest(
            'FILTER_REQUIRED',
            '请选择科室、医生或日期',
            'Give departmentId, doctorId or date',
          );
        if (dayjs(to).diff(dayjs(from), 'day') > 31 || to < from)
          throw badRequest(
            'DATE_RANGE_INVALID',
            '日期范围不正确（最多31天）',
            'Date range is invalid (31 days max)',
          );
        return readCache(ctx).get(`${req.url}|${from}|${to}`, async () => {
          const items = await browseSchedules(ctx, {
            departmentId: q.departmentId,
            doctorId: q.doctorId,
            from,
            to,
          });
          return { items: await withNames(ctx, items) };
        });
      },
    );

    app.get(
      '/v1/departments/:id/schedule-days',
      {
        schema: {
          tags,
          summary: 'Bookable days of a department with remaining slots',
          params: SchedulingDepartmentsScheduleDaysParams,
          response: { 200: DepartmentsScheduleDaysListResponse },
        },
      },
      async (req) => {
        await getDepartment(ctx, req.params.id); // an unknown department is a 404, not an empty calendar
        return { items: await departmentScheduleDays(ctx, req.params.id) };
      },
    );

    // ------------------------------------------------------------ console: shifts
    app.get(
      '/v1/admin/shifts',
      { schema: { tags: adminTags, response: { 200: AdminShiftsListResponse } }, preHandler: manage },
      async () => ({
        items: await listShifts(ctx),
      }),
    );
    app.put(
      '/v1/admin/shifts/:code',
      {
        schema: {
          tags: adminTags,
          params: SchedulingAdminShiftsPutParams,
          body: SchedulingAdminShiftsPutBody,
          response: { 200: AdminShiftsPutResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        const shift = await upsertShift(ctx, { code: req.params.code, ...req.body });
        await audit(ctx, req, { action: 'scheduling.shift.save', objectType: 'shift', objectId: shift.code });
        return shift;
      },
    );

    // ------------------------------------------------------------ console: templates
    app.get(
      '/v1/admin/schedule-templates',
      {
        schema: {
          tags: adminTags,
          querystring: SchedulingAdminScheduleTemplatesQuery,
          response: { 200: AdminScheduleTemplatesListResponse },
        },
        preHandler: manage,
      },
      async (req) => ({ items: await listTemplates(ctx, req.query) }),
    );
    app.post(
      '/v1/admin/schedule-templates',
      {
        schema: {
          tags: adminTags,
          body: SchedulingAdminScheduleTemplatesPostBody,
          response: { 201: AdminScheduleTemplatesPostResponse },
        },
        preHandler: manage,
      },
      async (req, reply) => {
        const tpl = await createTemplate(ctx, req.body);
        await audit(ctx, req, {
          action: 'scheduling.template.create',
          objectType: 'schedule_template',
          objectId: tpl.id,
        });
        return reply.status(201).send(tpl);
      },
    );
    app.patch(
      '/v1/admin/schedule-templates/:id',
      {
        schema: {
          tags: adminTags,
          params: SchedulingAdminScheduleTemplatesPatchParams,
          body: SchedulingAdminScheduleTemplatesPatchBody,
          response: { 200: AdminScheduleTemplatesPatchResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        const tpl = await updateTemplate(ctx, req.params.id, req.body);
        await audit(ctx, req, {
          action: 'scheduling.template.update',
          objectType: 'schedule_template',
          objectId: tpl.id,
        });
        return tpl;
      },
    );
    app.delete(
      '/v1/admin/schedule-templates/:id',
      {
        schema: {
          tags: adminTags,
          params: SchedulingAdminScheduleTemplatesDeleteParams,
          response: { 204: NoContent },
        },
        preHandler: manage,
      },
      async (req, reply) => {
        await deleteTemplate(ctx, req.params.id);
        await audit(ctx, req, {
          action: 'scheduling.template.delete',
          objectType: 'schedule_template',
          objectId: req.params.id,
        });
        return reply.status(204).send();
      },
    );
    app.post(
      '/v1/admin/schedule-templates/generate',
      {
        schema: {
          tags: adminTags,
          body: SchedulingAdminScheduleTemplatesGeneratePostBody,
          response: { 200: AdminScheduleTemplatesGeneratePostResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        const r = await generateSchedules(ctx, { weeks: req.body.weeks });
        await audit(ctx, req, { action: 'scheduling.generate', detail: { created: r.created } });
        return r;
      },
    );

    // ------------------------------------------------------------ console: schedules
    app.get(
      '/v1/admin/schedules',
      {
        schema: {
          tags: adminTags,
          summary: 'Schedule calendar of a department (or doctor) over a date range',
          querystring: SchedulingAdminSchedulesQuery,
          response: { 200: AdminSchedulesListResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        const { from, to } = req.query;
        if (dayjs(to).diff(dayjs(from), 'day') > 62 || to < from)
          throw badRequest(
            'DATE_RANGE_INVALID',
            '日期范围不正确（最多62天）',
            'Date range is invalid (62 days max)',
          );
        return { items: await withNames(ctx, await browseSchedules(ctx, req.query)) };
      },
    );
    app.post(
      '/v1/admin/schedules',
      {
        schema: {
          tags: adminTags,
          body: SchedulingAdminSchedulesPostBody,
          response: { 201: AdminSchedulesPostResponse },
        },
        preHandler: manage,
      },
      async (req, reply) => {
        const s = await createSchedule(ctx, req.body);
        await audit(ctx, req, {
          action: 'scheduling.schedule.create',
          objectType: 'schedule',
          objectId: s.id,
        });
        return reply.status(201).send({ ...s, segments: await getSegments(ctx.db, s.id) });
      },
    );
    app.get(
      '/v1/admin/schedules/:id',
      {
        schema: {
          tags: adminTags,
          params: SchedulingAdminSchedulesParams,
          response: { 200: AdminSchedulesGetResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        const s = await getSchedule(ctx, req.params.id);
        const [view] = await browseSchedules(ctx, { from: s.clinicDate, to: s.clinicDate, ids: [s.id] });
        return view;
      },
    );
    app.patch(
      '/v1/admin/schedules/:id',
      {
        schema: {
          tags: adminTags,
          params: SchedulingAdminSchedulesPatchParams,
          body: SchedulingAdminSchedulesPatchBody,
          response: { 200: AdminSchedulesPatchResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        const s = await updateSchedule(ctx, req.params.id, req.body);
        await audit(ctx, req, {
          action: 'scheduling.schedule.update',
          objectType: 'schedule',
          objectId: s.id,
          detail: req.body,
        });
        return s;
      },
    );
    app.post(
      '/v1/admin/schedules/:id/extra-slots',
      {
        schema: {
          tags: adminTags,
          summary: '加号: add numbered slots to a segment',
          params: SchedulingAdminSchedulesExtraSlotsPostParams,
          body: SchedulingAdminSchedulesExtraSlotsPostBody,
          response: { 201: AdminSchedulesExtraSlotsPostResponse },
        },
        preHandler: requireStaff(ctx, 'registrations.manage'),
      },
      async (req, reply) => {
        const r = await addExtraSlots(ctx, req.params.id, req.body);
        await audit(ctx, req, {
          action: 'scheduling.extra-slots',
          objectType: 'schedule',
          objectId: req.params.id,
          detail: { segmentId: req.body.segmentId, numbers: r.numbers },
        });
        return reply.status(201).send(r);
      },
    );

    // ------------------------------------------------------------ console: release rules
    app.get(
      '/v1/admin/release-rules',
      { schema: { tags: adminTags, response: { 200: AdminReleaseRulesListResponse } }, preHandler: manage },
      async () => ({
        items: await listReleaseRules(ctx),
      }),
    );
    app.put(
      '/v1/admin/release-rules/:channel',
      {
        schema: {
          tags: adminTags,
          params: SchedulingAdminReleaseRulesPutParams,
          body: SchedulingAdminReleaseRulesPutBody,
          response: { 200: AdminReleaseRulesPutResponse },
        },
        preHandler: manage,
      },
      async (req) => {
        const rule = await updateReleaseRule(ctx, req.params.channel, req.body);
        await audit(ctx, req, {
          action: 'scheduling.release-rule.update',
          objectType: 'release_rule',
          objectId: rule.channel,
          detail: req.body,
        });
        return rule;
      },
    );
  },
};
