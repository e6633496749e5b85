import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq, sql } from 'drizzle-orm';
import { integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audit, auditPatientAccess, clinicalOrServiceGround } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { conflict, notFound } from '../../platform/errors.js';
import { maskIdNumber, maskName } from '../../platform/pii.js';
import { getPatientById, getPatientForRecords } from '../identity/index.js';
import { listVisits } from '../billing/index.js';
import { listAdmissions } from '../inpatient/index.js';
import {
  AdminHealthRecordsGetResponse,
  HealthRecordProfileListResponse,
  HealthRecordProfilePutResponse,
  ReportsAdminHealthRecordsParams,
  ReportsHealthProfileBody,
  ReportsHealthRecordProfilePutQuery,
  ReportsHealthRecordProfileQuery,
} from '@qingnang/contracts';

/**
 * RPT-12 患者健康档案: basic information (from the patient record), health information, family
 * history, lifestyle and diet recorded by the patient, and the visit records (outpatient visits and
 * hospital stays) gathered from the modules that hold them. Patients see and edit their own and
 * authorised family members'; staff with patients.read read it in the console, audited.
 */

// Mirrors migrations/0753_health_profile.sql.
export const healthProfiles = pgTable('health_profiles', {
  patientId: text('patient_id').primaryKey(),
  bloodType: text('blood_type'),
  heightCm: integer('height_cm'),
  weightKg: numeric('weight_kg', { precision: 5, scale: 1, mode: 'number' }),
  allergies: text('allergies').array().notNull(),
  chronicConditions: text('chronic_conditions').array().notNull(),
  medications: text('medications').array().notNull(),
  familyHistory: jsonb('family_history').$type<FamilyHistoryEntry[]>().notNull(),
  smoking: text('smoking'),
  drinking: text('drinking'),
  exercise: text('exercise'),
  diet: text('diet'),
  version: integer('version').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedBy: text('updated_by').notNull(),
});

type ProfileRow = typeof healthProfiles.$inferSelect;
interface FamilyHistoryEntry {
  relation: string;
  condition: string;
}

function profileView(row: ProfileRow | undefined) {
  return {
    bloodType: row?.bloodType ?? null,
    heightCm: row?.heightCm ?? null,
    weightKg: row?.weightKg ?? null,
    bmi:
      row?.heightCm && row.weightKg ? Math.round((row.weightKg / (row.heightCm / 100) ** 2) * 10) / 10 : null,
    allergies: row?.allergies ?? [],
    chronicConditions: row?.chronicConditions ?? [],
    medications: row?.medications ?? [],
    familyHistory: row?.familyHistory ?? [],
    smoking: row?.smoking ?? null,
    drinking: row?.drinking ?? null,
    exercise: row?.exercise ?? null,
    diet: row?.diet ?? null,
    version: row?.version ?? 0,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

async function profileOf(ctx: AppContext, patientId: string) {
  const [row] = await ctx.db.select().from(healthProfiles).where(eq(healthProfiles.patientId, patientId));
  return row;
}

export async function getHealthProfile(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const [visits, stays] = await Promise.all([
    listVisits(ctx, accountId, p.id),
    listAdmissions(ctx, accountId, p.id),
  ]);
  return {
    basic: {
      patientId: p.id,
      name: p.name,
      gender: p.gender,
      birthDate: p.birthDate,
      idNumberMasked: p.idNumberMasked,
      phoneMasked: p.phoneMasked,
      visitCardNo: p.visitCardNo,
    },
    profile: profileView(await profileOf(ctx, p.id)),
    visitRecords: {
      outpatient: visits.slice(0, 20).map((v) => ({
        id: v.id,
        visitNo: v.visitNo,
        visitDate: v.visitDate,
        departmentName: v.departmentName,
        doctorName: v.doctorName,
      })),
      inpatient: [...stays.current, ...stays.past].slice(0, 20),
    },
  };
}

/** Saves the patient's own part; a stale version (edited elsewhere meanwhile) is refused, nothing written. */
export async function saveHealthProfile(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  input: z.infer<typeof ReportsHealthProfileBody>,
) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const now = ctx.clock.now();
  const { version, ...fields } = input;
  const current = profileView(await profileOf(ctx, p.id));
  const next = {
    bloodType: fields.bloodType !== undefined ? fields.bloodType : current.bloodType,
    heightCm: fields.heightCm !== undefined ? fields.heightCm : current.heightCm,
    weightKg: fields.weightKg !== undefined ? fields.weightKg : current.weightKg,
    allergies: fields.allergies ?? current.allergies,
    chronicConditions: fields.chronicConditions ?? current.chronicConditions,
    medications: fields.medications ?? current.medications,
    familyHistory: fields.familyHistory ?? current.familyHistory,
    smoking: fields.smoking !== undefined ? fields.smoking : current.smoking,
    drinking: fields.drinking !== undefined ? fields.drinking : current.drinking,
    exercise: fields.exercise !== undefined ? fields.exercise : current.exercise,
    diet: fields.diet !== undefined ? fields.diet : current.diet,
  };
  const written =
    version === 0
      ? await ctx.db
          .insert(healthProfiles)
          .values({ patientId: p.id, ...next, version: 1, updatedAt: now, updatedBy: `account:${accountId}` })
          .onConflictDoNothing()
          .returning()
      : await ctx.db
          .update(healthProfiles)
          .set({
            ...next,
            version: sql`${healthProfiles.version} + 1`,
            updatedAt: now,
            updatedBy: `account:${accountId}`,
          })
          .where(sql`${healthProfiles.patientId} = ${p.id} AND ${healthProfiles.version} = ${version}`)
          .returning();
  if (!written.length)
    throw conflict(
      'HEALTH_PROFILE_CHANGED',
      '健康档案已在别处修改，请刷新后再编辑',
      'The health record was changed elsewhere; reload it and edit again',
      { version: current.version },
    );
  return profileView(written[0]);
}

export async function healthProfileForStaff(ctx: AppContext, patientId: string) {
  const p = await getPatientById(ctx, patientId).catch(() => undefined);
  if (!p) return undefined;
  return {
    basic: {
      patientId: p.id,
      name: maskName(p.name),
      gender: p.gender,
      birthDate: p.birthDate,
      idNumberMasked: maskIdNumber(p.idNumber),
    },
    profile: profileView(await profileOf(ctx, p.id)),
  };
}

export function registerHealthProfileRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['reports'];
  app.get(
    '/v1/health-record/profile',
    {
      preHandler: requirePatient(ctx),
      schema: {
        tags,
        summary: '健康档案：基本信息、健康信息、家族史、生活方式与饮食、就诊记录',
        querystring: ReportsHealthRecordProfileQuery,
        response: { 200: HealthRecordProfileListResponse },
      },
    },
    async (req) => getHealthProfile(ctx, principalOf(req).id, req.query.patientId),
  );
  app.put(
    '/v1/health-record/profile',
    {
      preHandler: requirePatient(ctx),
      schema: {
        tags,
        summary: '编辑健康档案（带版本号，防止两处同时修改互相覆盖）',
        querystring: ReportsHealthRecordProfilePutQuery,
        body: ReportsHealthProfileBody,
        response: { 200: HealthRecordProfilePutResponse },
      },
    },
    async (req) => saveHealthProfile(ctx, principalOf(req).id, req.query.patientId, req.body),
  );
  app.get(
    '/v1/admin/health-records/:patientId',
    {
      preHandler: requireStaff(ctx, 'patients.read'),
      schema: {
        tags: ['reports (console)'],
        summary: '后台查看患者健康档案（审计）',
        params: ReportsAdminHealthRecordsParams,
        response: { 200: AdminHealthRecordsGetResponse },
      },
    },
    async (req) => {
      const r = await healthProfileForStaff(ctx, req.params.patientId);
      if (!r) {
        await audit(ctx, req, {
          action: 'health_record.read',
          objectType: 'patient',
          objectId: req.params.patientId,
          outcome: 'failed',
        });
        throw notFound('patient', '就诊人');
      }
      await auditPatientAccess(ctx, req, {
        action: 'health_record.read',
        objectType: 'patient',
        objectId: req.params.patientId,
        recordKind: 'health_record',
        ground: clinicalOrServiceGround(req),
        subjects: { patientId: req.params.patientId },
      });
      return r;
    },
  );
}
