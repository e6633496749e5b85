// Console maintenance of the hospital directory (ADM-02, ADM-05, DIR-13, DIR-14). Every function
// is reached through requireStaff(directory.manage); every successful write is audited.
import type { FastifyRequest } from 'fastify';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  buildings,
  campuses,
  departments,
  doctorDepartments,
  doctors,
  featuredDisciplines,
  floors,
  hospital,
  recommendedDoctors,
} from './schema.js';
import type {
  BuildingInput,
  CampusInput,
  DepartmentInput,
  DoctorInput,
  FeaturedDisciplineInput,
  FloorInput,
  HospitalInput,
  RecommendedDoctorInput,
} from './schemas.js';
import { mapDbError, requireText } from './errors.js';
import { sanitizeHtml } from './html.js';
import { pinyinInitials } from './pinyin.js';
import { campusView, getDoctor } from './service.js';

type Req = FastifyRequest;

// ---------------------------------------------------------------------------------------------
// Hospital

export async function getHospitalForAdmin(ctx: AppContext) {
  const [row] = await ctx.db.select().from(hospital);
  if (!row) throw notFound('hospital', '医院信息');
  return row;
}

export async function putHospital(ctx: AppContext, req: Req, input: HospitalInput) {
  const values = {
    ...input,
    name: requireText('hospital', 'name', input.name, '医院名称'),
    introduction: sanitizeHtml(input.introduction),
    history: sanitizeHtml(input.history),
    rules: sanitizeHtml(input.rules),
    updatedAt: ctx.clock.now(),
  };
  const [row] = await ctx.db
    .insert(hospital)
    .values({ id: 'hospital', ...values })
    .onConflictDoUpdate({ target: hospital.id, set: values })
    .returning();
  await audit(ctx, req, { action: 'directory.hospital.update', objectType: 'hospital', objectId: row.id });
  return row;
}

// ---------------------------------------------------------------------------------------------
// Campuses, buildings, floors

export async function listCampusesForAdmin(ctx: AppContext) {
  const rows = await ctx.db.select().from(campuses).orderBy(asc(campuses.sort), asc(campuses.name));
  return rows.map(campusView);
}

export async function createCampus(ctx: AppContext, req: Req, input: CampusInput) {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(campuses)
    .values({
      id: newId(),
      ...input,
      name: requireText('campus', 'name', input.name, '院区名称'),
      address: requireText('campus', 'address', input.address, '院区地址'),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await audit(ctx, req, { action: 'directory.campus.create', objectType: 'campus', objectId: row.id });
  return campusView(row);
}

export async function updateCampus(ctx: AppContext, req: Req, id: string, input: Partial<CampusInput>) {
  const set = { ...input, updatedAt: ctx.clock.now() };
  if (input.name !== undefined) set.name = requireText('campus', 'name', input.name, '院区名称');
  if (input.address !== undefined) set.address = requireText('campus', 'address', input.address, '院区地址');
  const [row] = await ctx.db.update(campuses).set(set).where(eq(campuses.id, id)).returning();
  if (!row) throw notFound('campus', '院区');
  await audit(ctx, req, {
    action: 'directory.campus.update',
    objectType: 'campus',
    objectId: id,
    detail: { fields: Object.keys(input) },
  });
  return campusView(row);
}

export async function deleteCampus(ctx: AppContext, req: Req, id: string) {
  await ctx.db
    .transaction(async (tx) => {
      const [used] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(buildings)
        .where(eq(buildings.campusId, id));
      const [usedByDepts] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(departments)
        .where(eq(departments.campusId, id));
      if (used.n > 0 || usedByDepts.n > 0)
        throw conflict(
          'CAMPUS_IN_USE',
          '院区下仍有楼宇或科室，无法删除，可改为停用',
          'Campus still has buildings or departments; disable it instead',
        );
      const gone = await tx.delete(campuses).where(eq(campuses.id, id)).returning({ id: campuses.id });
      if (gone.length === 0) throw notFound('campus', '院区');
    })
    .catch(mapDbError('campus', '院区'));
  await audit(ctx, req, { action: 'directory.campus.delete', objectType: 'campus', objectId: id });
}

export async function listBuildings(ctx: AppContext, campusId?: string) {
  return ctx.db
    .select()
    .from(buildings)
    .where(campusId ? eq(buildings.campusId, campusId) : undefined)
    .orderBy(asc(buildings.sort), asc(buildings.name));
}

export async function createBuilding(ctx: AppContext, req: Req, input: BuildingInput) {
  await mustExist(ctx.db, campuses, input.campusId, 'CAMPUS_UNKNOWN', '院区');
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(buildings)
    .values({
      id: newId(),
      ...input,
      name: requireText('building', 'name', input.name, '楼宇名称'),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await audit(ctx, req, { action: 'directory.building.create', objectType: 'building', objectId: row.id });
  return row;
}

export async function updateBuilding(ctx: AppContext, req: Req, id: string, input: Partial<BuildingInput>) {
  if (input.campusId) await mustExist(ctx.db, campuses, input.campusId, 'CAMPUS_UNKNOWN', '院区');
  const set = { ...input, updatedAt: ctx.clock.now() };
  if (input.name !== undefined) set.name = requireText('building', 'name', input.name, '楼宇名称');
  const [row] = await ctx.db.update(buildings).set(set).where(eq(buildings.id, id)).returning();
  if (!row) throw notFound('building', '楼宇');
  await audit(ctx, req, { action: 'directory.building.update', objectType: 'building', objectId: id });
  return row;
}

export async function deleteBuilding(ctx: AppContext, req: Req, id: string) {
  await ctx.db
    .transaction(async (tx) => {
      const [used] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(floors)
        .where(eq(floors.buildingId, id));
      if (used.n > 0)
        throw conflict('BUILDING_HAS_FLOORS', '楼宇下仍有楼层，请先删除楼层', 'Building still has floors');
      const gone = await tx.delete(buildings).where(eq(buildings.id, id)).returning({ id: buildings.id });
      if (gone.length === 0) throw notFound('building', '楼宇');
    })
    .catch(mapDbError('building', '楼宇'));
  await audit(ctx, req, { action: 'directory.building.delete', objectType: 'building', objectId: id });
}

export async function listFloors(ctx: AppContext, buildingId?: string) {
  return ctx.db
    .select()
    .from(floors)
    .where(buildingId ? eq(floors.buildingId, buildingId) : undefined)
    .orderBy(asc(floors.buildingId), asc(floors.level));
}

export async function createFloor(ctx: AppContext, req: Req, input: FloorInput) {
  await mustExist(ctx.db, buildings, input.buildingId, 'BUILDING_UNKNOWN', '楼宇');
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(floors)
    .values({
      id: newId(),
      ...input,
      label: requireText('floor', 'label', input.label, '楼层名称'),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .catch(mapDbError('floor', '楼层'));
  await audit(ctx, req, { action: 'directory.floor.create', objectType: 'floor', objectId: row.id });
  return row;
}

export async function updateFloor(ctx: AppContext, req: Req, id: string, input: Partial<FloorInput>) {
  if (input.buildingId) await mustExist(ctx.db, buildings, input.buildingId, 'BUILDING_UNKNOWN', '楼宇');
  const set = { ...input, updatedAt: ctx.clock.now() };
  if (input.label !== undefined) set.label = requireText('floor', 'label', input.label, '楼层名称');
  const [row] = await ctx.db
    .update(floors)
    .set(set)
    .where(eq(floors.id, id))
    .returning()
    .catch(mapDbError('floor', '楼层'));
  if (!row) throw notFound('floor', '楼层');
  await audit(ctx, req, { action: 'directory.floor.update', objectType: 'floor', objectId: id });
  return row;
}

export async function deleteFloor(ctx: AppContext, req: Req, id: string) {
  await ctx.db
    .transaction(async (tx) => {
      const [used] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(departments)
        .where(eq(departments.floorId, id));
      if (used.n > 0)
        throw conflict(
          'FLOOR_HAS_DEPARTMENTS',
          '该楼层仍有科室，请先调整科室位置',
          'Departments are still located on this floor',
        );
      const gone = await tx.delete(floors).where(eq(floors.id, id)).returning({ id: floors.id });
      if (gone.length === 0) throw notFound('floor', '楼层');
    })
    .catch(mapDbError('floor', '楼层'));
  await audit(ctx, req, { action: 'directory.floor.delete', objectType: 'floor', objectId: id });
}

// ---------------------------------------------------------------------------------------------
// Departments: two levels. A parent category has no parent; a department's parent must be a
// top-level one, and a department with children cannot itself move under a parent.

export async function listDepartmentsForAdmin(ctx: AppContext) {
  return ctx.db.select().from(departments).orderBy(asc(departments.sort), asc(departments.name));
}

export async function createDepartment(ctx: AppContext, req: Req, input: DepartmentInput) {
  const row = await ctx.db
    .transaction(async (tx) => {
      const values = await departmentValues(tx, null, input);
      await codeFree(tx, departments, values.code!, null, 'DEPARTMENT_CODE_TAKEN', '科室编码已存在');
      const now = ctx.clock.now();
      const [created] = await tx
        .insert(departments)
        .values({ ...(values as Required<typeof values>), id: newId(), createdAt: now, updatedAt: now })
        .returning();
      return created;
    })
    .catch(mapDbError('department', '科室'));
  await audit(ctx, req, {
    action: 'directory.department.create',
    objectType: 'department',
    objectId: row.id,
    detail: { code: row.code },
  });
  return row;
}

export async function updateDepartment(
  ctx: AppContext,
  req: Req,
  id: string,
  input: Partial<DepartmentInput>,
) {
  const row = await ctx.db
    .transaction(async (tx) => {
      const [current] = await tx.select().from(departments).where(eq(departments.id, id)).for('update');
      if (!current) throw notFound('department', '科室');
      const values = await departmentValues(tx, current.id, input);
      if (values.code)
        await codeFree(tx, departments, values.code, id, 'DEPARTMENT_CODE_TAKEN', '科室编码已存在');
      const [updated] = await tx
        .update(departments)
        .set({ ...values, updatedAt: ctx.clock.now() })
        .where(eq(departments.id, id))
        .returning();
      return updated;
    })
    .catch(mapDbError('department', '科室'));
  await audit(ctx, req, {
    action: 'directory.department.update',
    objectType: 'department',
    objectId: id,
    detail: { fields: Object.keys(input) },
  });
  return row;
}

export async function deleteDepartment(ctx: AppContext, req: Req, id: string) {
  await ctx.db
    .transaction(async (tx) => {
      const [current] = await tx.select().from(departments).where(eq(departments.id, id)).for('update');
      if (!current) throw notFound('department', '科室');
      const [children] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(departments)
        .where(eq(departments.parentId, id));
      if (children.n > 0)
        throw conflict(
          'DEPARTMENT_HAS_CHILDREN',
          '该科室下仍有二级科室，请先删除或移走二级科室',
          'Department still has child departments',
          { children: children.n },
        );
      const [docs] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(doctorDepartments)
        .where(eq(doctorDepartments.departmentId, id));
      if (docs.n > 0)
        throw conflict(
          'DEPARTMENT_HAS_DOCTORS',
          '该科室下仍有医生，请先调整医生所属科室，或改为停用',
          'Department still has doctors; move them or disable the department',
          { doctors: docs.n },
        );
      await tx.delete(featuredDisciplines).where(eq(featuredDisciplines.departmentId, id));
      await tx.delete(departments).where(eq(departments.id, id));
    })
    .catch(mapDbError('department', '科室'));
  await audit(ctx, req, { action: 'directory.department.delete', objectType: 'department', objectId: id });
}

async function departmentValues(tx: Tx, selfId: string | null, input: Partial<DepartmentInput>) {
  const v: Partial<typeof departments.$inferInsert> = {};
  if (selfId === null || input.code !== undefined)
    v.code = requireText('department', 'code', input.code, '科室编码');
  if (selfId === null || input.name !== undefined) {
    v.name = requireText('department', 'name', input.name, '科室名称');
    v.nameInitials = pinyinInitials(v.name);
  }
  if (input.parentId !== undefined) {
    if (input.parentId !== null) {
      if (input.parentId === selfId)
        throw badRequest(
          'DEPARTMENT_PARENT_INVALID',
          '上级科室不能是自己',
          'A department cannot be its own parent',
        );
      const [parent] = await tx.select().from(departments).where(eq(departments.id, input.parentId));
      if (!parent)
        throw badRequest('DEPARTMENT_PARENT_UNKNOWN', '上级科室不存在', 'Parent department does not exist');
      if (parent.parentId !== null)
        throw badRequest(
          'DEPARTMENT_PARENT_NOT_TOP_LEVEL',
          '上级科室必须是一级科室（科室只分两级）',
          'The parent must be a top-level department (two levels only)',
        );
      if (selfId) {
        const [kids] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(departments)
          .where(eq(departments.parentId, selfId));
        if (kids.n > 0)
          throw badRequest(
            'DEPARTMENT_PARENT_INVALID',
            '该科室下有二级科室，不能再挂到其他科室下',
            'A department with children cannot be moved under a parent',
          );
      }
    }
    v.parentId = input.parentId;
  }
  if (input.campusId !== undefined) {
    if (input.campusId !== null) await mustExist(tx, campuses, input.campusId, 'CAMPUS_UNKNOWN', '院区');
    v.campusId = input.campusId;
  }
  if (input.floorId !== undefined) {
    if (input.floorId !== null) await mustExist(tx, floors, input.floorId, 'FLOOR_UNKNOWN', '楼层');
    v.floorId = input.floorId;
  }
  if (input.introduction !== undefined) v.introduction = sanitizeHtml(input.introduction);
  for (const k of ['location', 'phone', 'strengths', 'scope', 'staffing', 'sort', 'enabled'] as const)
    if (input[k] !== undefined) (v as Record<string, unknown>)[k] = input[k];
  return v;
}

// ---------------------------------------------------------------------------------------------
// Doctors

export async function createDoctor(ctx: AppContext, req: Req, input: DoctorInput) {
  const id = newId();
  await ctx.db
    .transaction(async (tx) => {
      const values = doctorValues(input, true);
      await codeFree(tx, doctors, values.code!, null, 'DOCTOR_CODE_TAKEN', '医生工号已存在');
      await departmentsExist(tx, input.departmentIds);
      const now = ctx.clock.now();
      await tx
        .insert(doctors)
        .values({ ...(values as Required<typeof values>), id, createdAt: now, updatedAt: now });
      await linkDepartments(tx, id, input.departmentIds);
    })
    .catch(mapDbError('doctor', '医生'));
  await audit(ctx, req, {
    action: 'directory.doctor.create',
    objectType: 'doctor',
    objectId: id,
    detail: { code: input.code },
  });
  return getDoctor(ctx, id);
}

export async function updateDoctor(ctx: AppContext, req: Req, id: string, input: Partial<DoctorInput>) {
  await ctx.db
    .transaction(async (tx) => {
      const [current] = await tx.select().from(doctors).where(eq(doctors.id, id)).for('update');
      if (!current) throw notFound('doctor', '医生');
      const values = doctorValues(input, false);
      if (values.code) await codeFree(tx, doctors, values.code, id, 'DOCTOR_CODE_TAKEN', '医生工号已存在');
      if (input.departmentIds) {
        await departmentsExist(tx, input.departmentIds);
        await tx.delete(doctorDepartments).where(eq(doctorDepartments.doctorId, id));
        await linkDepartments(tx, id, input.departmentIds);
      }
      await tx
        .update(doctors)
        .set({ ...values, updatedAt: ctx.clock.now() })
        .where(eq(doctors.id, id));
    })
    .catch(mapDbError('doctor', '医生'));
  await audit(ctx, req, {
    action: 'directory.doctor.update',
    objectType: 'doctor',
    objectId: id,
    detail: { fields: Object.keys(input) },
  });
  return getDoctor(ctx, id);
}

/** Deleting removes the doctor's department links, recommendation and followers with it; a
 * doctor other modules still reference (schedules, registrations) is refused: disable instead. */
export async function deleteDoctor(ctx: AppContext, req: Req, id: string) {
  await ctx.db
    .transaction(async (tx) => {
      const gone = await tx.delete(doctors).where(eq(doctors.id, id)).returning({ id: doctors.id });
      if (gone.length === 0) throw notFound('doctor', '医生');
    })
    .catch(mapDbError('doctor', '医生'));
  await audit(ctx, req, { action: 'directory.doctor.delete', objectType: 'doctor', objectId: id });
}

function doctorValues(input: Partial<DoctorInput>, creating: boolean) {
  const v: Partial<typeof doctors.$inferInsert> = {};
  if (creating || input.code !== undefined) v.code = requireText('doctor', 'code', input.code, '医生工号');
  if (creating || input.name !== undefined) {
    v.name = requireText('doctor', 'name', input.name, '医生姓名');
    v.nameInitials = pinyinInitials(v.name);
  }
  if (input.specialties !== undefined) v.specialties = input.specialties.map((s) => s.trim()).filter(Boolean);
  for (const k of ['title', 'gender', 'photoUrl', 'introduction', 'enabled', 'sort'] as const)
    if (input[k] !== undefined) (v as Record<string, unknown>)[k] = input[k];
  if (creating && input.departmentIds?.length === 0)
    throw badRequest(
      'DOCTOR_DEPARTMENT_REQUIRED',
      '请至少选择一个科室',
      'A doctor needs at least one department',
    );
  return v;
}

async function departmentsExist(tx: Tx, ids: string[]) {
  if (ids.length === 0)
    throw badRequest(
      'DOCTOR_DEPARTMENT_REQUIRED',
      '请至少选择一个科室',
      'A doctor needs at least one department',
    );
  const unique = [...new Set(ids)];
  const found = await tx
    .select({ id: departments.id })
    .from(departments)
    .where(inArray(departments.id, unique));
  const missing = unique.filter((i) => !found.some((f) => f.id === i));
  if (missing.length)
    throw badRequest('DEPARTMENT_UNKNOWN', '所选科室不存在', 'Unknown department', {
      departmentIds: missing,
    });
}

async function linkDepartments(tx: Tx, doctorId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  await tx
    .insert(doctorDepartments)
    .values(unique.map((departmentId, sort) => ({ doctorId, departmentId, sort })));
}

// ---------------------------------------------------------------------------------------------
// Featured disciplines (DIR-13) and recommended doctors (DIR-14)

export async function listFeaturedForAdmin(ctx: AppContext) {
  return ctx.db.select().from(featuredDisciplines).orderBy(asc(featuredDisciplines.sort));
}

export async function createFeatured(ctx: AppContext, req: Req, input: FeaturedDisciplineInput) {
  await enabledDepartment(ctx, input.departmentId);
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(featuredDisciplines)
    .values({
      id: newId(),
      ...input,
      title: requireText('featured_discipline', 'title', input.title, '学科名称'),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await audit(ctx, req, {
    action: 'directory.featured.create',
    objectType: 'featured_discipline',
    objectId: row.id,
  });
  return row;
}

export async function updateFeatured(
  ctx: AppContext,
  req: Req,
  id: string,
  input: Partial<FeaturedDisciplineInput>,
) {
  if (input.departmentId !== undefined) await enabledDepartment(ctx, input.departmentId);
  const set = { ...input, updatedAt: ctx.clock.now() };
  if (input.title !== undefined)
    set.title = requireText('featured_discipline', 'title', input.title, '学科名称');
  const [row] = await ctx.db
    .update(featuredDisciplines)
    .set(set)
    .where(eq(featuredDisciplines.id, id))
    .returning();
  if (!row) throw notFound('featured discipline', '特色学科');
  await audit(ctx, req, {
    action: 'directory.featured.update',
    objectType: 'featured_discipline',
    objectId: id,
  });
  return row;
}

export async function deleteFeatured(ctx: AppContext, req: Req, id: string) {
  const gone = await ctx.db.delete(featuredDisciplines).where(eq(featuredDisciplines.id, id)).returning();
  if (gone.length === 0) throw notFound('featured discipline', '特色学科');
  await audit(ctx, req, {
    action: 'directory.featured.delete',
    objectType: 'featured_discipline',
    objectId: id,
  });
}

export async function listRecommendedForAdmin(ctx: AppContext) {
  return ctx.db.select().from(recommendedDoctors).orderBy(asc(recommendedDoctors.sort));
}

export async function createRecommended(ctx: AppContext, req: Req, input: RecommendedDoctorInput) {
  const now = ctx.clock.now();
  const row = await ctx.db
    .transaction(async (tx) => {
      const [doctor] = await tx.select().from(doctors).where(eq(doctors.id, input.doctorId));
      if (!doctor) throw badRequest('DOCTOR_UNKNOWN', '医生不存在', 'Unknown doctor');
      if (!doctor.enabled)
        throw badRequest(
          'DOCTOR_DISABLED',
          '该医生已停用，不能推荐',
          'Doctor is disabled and cannot be recommended',
        );
      const [dup] = await tx
        .select()
        .from(recommendedDoctors)
        .where(eq(recommendedDoctors.doctorId, input.doctorId));
      if (dup)
        throw conflict('DOCTOR_ALREADY_RECOMMENDED', '该医生已在推荐列表中', 'Doctor is already recommended');
      const [created] = await tx
        .insert(recommendedDoctors)
        .values({ id: newId(), ...input, createdAt: now, updatedAt: now })
        .returning();
      return created;
    })
    .catch(mapDbError('recommended_doctor', '推荐医生'));
  await audit(ctx, req, {
    action: 'directory.recommended.create',
    objectType: 'recommended_doctor',
    objectId: row.id,
  });
  return row;
}

export async function updateRecommended(
  ctx: AppContext,
  req: Req,
  id: string,
  input: Partial<Omit<RecommendedDoctorInput, 'doctorId'>>,
) {
  const [row] = await ctx.db
    .update(recommendedDoctors)
    .set({ ...input, updatedAt: ctx.clock.now() })
    .where(eq(recommendedDoctors.id, id))
    .returning();
  if (!row) throw notFound('recommended doctor', '推荐医生');
  await audit(ctx, req, {
    action: 'directory.recommended.update',
    objectType: 'recommended_doctor',
    objectId: id,
  });
  return row;
}

export async function deleteRecommended(ctx: AppContext, req: Req, id: string) {
  const gone = await ctx.db.delete(recommendedDoctors).where(eq(recommendedDoctors.id, id)).returning();
  if (gone.length === 0) throw notFound('recommended doctor', '推荐医生');
  await audit(ctx, req, {
    action: 'directory.recommended.delete',
    objectType: 'recommended_doctor',
    objectId: id,
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function enabledDepartment(ctx: AppContext, id: string) {
  const [d] = await ctx.db.select().from(departments).where(eq(departments.id, id));
  if (!d)
    throw badRequest('DEPARTMENT_UNKNOWN', '所选科室不存在', 'Unknown department', { departmentIds: [id] });
  if (!d.enabled) throw badRequest('DEPARTMENT_DISABLED', '所选科室已停用', 'Department is disabled');
}

type WithId = typeof campuses | typeof buildings | typeof floors | typeof departments;

async function mustExist(q: Tx | AppContext['db'], table: WithId, id: string, code: string, zh: string) {
  const rows = await (q as Tx).select({ id: table.id }).from(table).where(eq(table.id, id));
  if (rows.length === 0) throw badRequest(code, `${zh}不存在`, `Unknown ${code.split('_')[0].toLowerCase()}`);
}

async function codeFree(
  tx: Tx,
  table: typeof departments | typeof doctors,
  code: string,
  selfId: string | null,
  errCode: string,
  zh: string,
) {
  const rows = await tx
    .select({ id: table.id })
    .from(table)
    .where(selfId ? and(eq(table.code, code), ne(table.id, selfId)) : eq(table.code, code));
  if (rows.length) throw conflict(errCode, zh, `${errCode.split('_')[0].toLowerCase()} code is already used`);
}
