import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { principalOf, requireStaff } from '../../platform/auth.js';
import type { Module } from '../index.js';
import { clinicalScopeOf } from '../registration/index.js';
import { clinicsOf, workbenchOf } from './service.js';
import {
  AdminWorkbenchClinicsListResponse,
  AdminWorkbenchListResponse,
  WorkbenchClinicsQuery,
  WorkbenchQuery,
} from '@qingnang/contracts';

/**
 * GET /v1/admin/workbench: every staff member's home (the console's 工作台 page), answered by the
 * permissions they hold; GET /v1/admin/workbench/clinics: a day's clinics with their booked patients,
 * limited to the doctor's own clinics or the nurse's department.
 */
export const workbenchModule: Module = {
  name: 'workbench',
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['workbench (console)'];

    app.get(
      '/v1/admin/workbench',
      {
        schema: {
          tags,
          summary: "The signed-in staff member's home: what is theirs today, by role",
          querystring: WorkbenchQuery,
          response: { 200: AdminWorkbenchListResponse },
        },
        preHandler: requireStaff(ctx),
      },
      async (req) => {
        const out = await workbenchOf(ctx, principalOf(req), req.query.date);
        await audit(ctx, req, {
          action: 'workbench.read',
          objectType: 'workbench',
          detail: { date: out.date, sections: Object.keys(out) },
        });
        return out as AdminWorkbenchListResponse;
      },
    );

    app.get(
      '/v1/admin/workbench/clinics',
      {
        schema: {
          tags,
          summary: "A day's clinics with booked patients (doctors: their own; nurses: their department)",
          querystring: WorkbenchClinicsQuery,
          response: { 200: AdminWorkbenchClinicsListResponse },
        },
        preHandler: requireStaff(ctx, 'registrations.read'),
      },
      async (req) => {
        const q = req.query;
        const date = q.date ?? ctx.clock.today();
        const scope = await clinicalScopeOf(ctx, principalOf(req));
        const items = await clinicsOf(ctx, {
          date,
          scope,
          filter: { doctorId: q.doctorId, departmentId: q.departmentId },
          withPatients: true,
        });
        await audit(ctx, req, {
          action: 'workbench.clinics',
          objectType: 'schedule',
          detail: { date, doctorId: q.doctorId ?? null, departmentId: q.departmentId ?? null },
        });
        return { date, items };
      },
    );
  },
};
