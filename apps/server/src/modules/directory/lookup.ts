// The staff directory look-up: the department and doctor names every console page filters by
// (registrations, payments, schedules, bills). Every signed-in staff member may read it, whatever
// the role: it carries only what the public patient pages show (names, titles, the department
// tree), while directory.manage keeps the editing pages and the full records.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { requireStaff } from '../../platform/auth.js';
import { departments, doctorDepartments, doctors } from './schema.js';
import { DOCTOR_TITLES } from './service.js';
import { id } from './schemas.js';
import { AdminLookupDepartmentsListResponse, AdminLookupDoctorsListResponse } from '@qingnang/contracts';

export interface DepartmentLookup {
  id: string;
  name: string;
  parentId: string | null;
}

export interface DoctorLookup {
  id: string;
  name: string;
  title: string;
  titleZh: string;
  departmentIds: string[];
}

/** Enabled departments, parents first (by sort, then name). */
export async function lookupDepartments(ctx: AppContext): Promise<DepartmentLookup[]> {
  const rows = await ctx.db
    .select({ id: departments.id, name: departments.name, parentId: departments.parentId })
    .from(departments)
    .where(eq(departments.enabled, true))
    .orderBy(asc(departments.sort), asc(departments.name));
  return [...rows.filter((r) => r.parentId === null), ...rows.filter((r) => r.parentId !== null)];
}

/** Enabled doctors with the departments they sit in; optionally of one department. */
export async function lookupDoctors(ctx: AppContext, departmentId?: string): Promise<DoctorLookup[]> {
  const links = await ctx.db
    .select({ doctorId: doctorDepartments.doctorId, departmentId: doctorDepartments.departmentId })
    .from(doctorDepartments)
    .where(departmentId ? eq(doctorDepartments.departmentId, departmentId) : undefined)
    .orderBy(asc(doctorDepartments.sort));
  const ids = [...new Set(links.map((l) => l.doctorId))];
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ id: doctors.id, name: doctors.name, title: doctors.title })
    .from(doctors)
    .where(and(eq(doctors.enabled, true), inArray(doctors.id, ids)))
    .orderBy(asc(doctors.name));
  const allLinks = departmentId
    ? await ctx.db
        .select({ doctorId: doctorDepartments.doctorId, departmentId: doctorDepartments.departmentId })
        .from(doctorDepartments)
        .where(inArray(doctorDepartments.doctorId, ids))
        .orderBy(asc(doctorDepartments.sort))
    : links;
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    title: d.title,
    titleZh: DOCTOR_TITLES[d.title].zh,
    departmentIds: allLinks.filter((l) => l.doctorId === d.id).map((l) => l.departmentId),
  }));
}

export function registerDirectoryLookupRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const anyStaff = requireStaff(ctx);
  const tags = ['admin: directory look-up'];
  const security = [{ bearer: [] }];
  app.get(
    '/v1/admin/lookup/departments',
    {
      preHandler: anyStaff,
      schema: {
        tags,
        security,
        summary: 'Departments for console filters (any staff member)',
        response: { 200: AdminLookupDepartmentsListResponse },
      },
    },
    async () => ({ items: await lookupDepartments(ctx) }),
  );
  app.get(
    '/v1/admin/lookup/doctors',
    {
      preHandler: anyStaff,
      schema: {
        tags,
        security,
        summary: 'Doctors for console filters, optionally of one department (any staff member)',
        querystring: z.object({ departmentId: id.optional() }).strict(),
        response: { 200: AdminLookupDoctorsListResponse },
      },
    },
    async (req) => ({ items: await lookupDoctors(ctx, req.query.departmentId) }),
  );
}
