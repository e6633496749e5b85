import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import {
  buildings,
  campuses,
  departments,
  doctorDepartments,
  doctorFollows,
  doctors,
  featuredDisciplines,
  floors,
  hospital,
  recommendedDoctors,
  type DoctorTitle,
} from './schema.js';
import { initialsQuery } from './pinyin.js';

export const DOCTOR_TITLES: Record<DoctorTitle, { zh: string; en: string; rank: number }> = {
  chief_physician: { zh: '主任医师', en: 'Chief physician', rank: 1 },
  associate_chief: { zh: '副主任医师', en: 'Associate chief physician', rank: 2 },
  attending: { zh: '主治医师', en: 'Attending physician', rank: 3 },
  resident: { zh: '住院医师', en: 'Resident physician', rank: 4 },
};

export type DepartmentRow = typeof departments.$inferSelect;
export type DoctorRow = typeof doctors.$inferSelect;
export type CampusRow = typeof campuses.$inferSelect;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface DoctorSummary {
  id: string;
  code: string;
  name: string;
  title: DoctorTitle;
  titleLabel: { zh: string; en: string };
  gender: 'male' | 'female';
  photoUrl: string;
  specialties: string[];
  introduction: string;
  enabled: boolean;
  departments: { id: string; code: string; name: string }[];
}

export interface DoctorCard extends DoctorSummary {
  /** Filled by the scheduling module (it wraps getDoctorCard); the directory knows no schedules. */
  schedules: unknown[];
  followerCount: number;
}

// ---------------------------------------------------------------------------------------------
// Functions other modules use

/** A department by id, enabled or not; 404 DEPARTMENT_NOT_FOUND when there is none. */
export async function getDepartment(ctx: AppContext, id: string): Promise<DepartmentRow> {
  const [row] = await ctx.db.select().from(departments).where(eq(departments.id, id));
  if (!row) throw notFound('department', '科室');
  return row;
}

/**
 * Names of many doctors and departments in two queries (listings that show names beside ids), so
 * a page of schedules or registrations never asks once per row.
 */
export async function directoryNames(
  ctx: AppContext,
  ids: { doctorIds: Iterable<string>; departmentIds: Iterable<string> },
): Promise<{
  doctors: Map<string, { name: string; title: DoctorRow['title'] }>;
  departments: Map<string, string>;
}> {
  const doctorIds = [...new Set(ids.doctorIds)];
  const departmentIds = [...new Set(ids.departmentIds)];
  const [docs, depts] = await Promise.all([
    doctorIds.length
      ? ctx.db
          .select({ id: doctors.id, name: doctors.name, title: doctors.title })
          .from(doctors)
          .where(inArray(doctors.id, doctorIds))
      : [],
    departmentIds.length
      ? ctx.db
          .select({ id: departments.id, name: departments.name })
          .from(departments)
          .where(inArray(departments.id, departmentIds))
      : [],
  ]);
  return {
    doctors: new Map(docs.map((d) => [d.id, { name: d.name, title: d.title }])),
    departments: new Map(depts.map((d) => [d.id, d.name])),
  };
}

/** A doctor by id, enabled or not; 404 DOCTOR_NOT_FOUND when there is none. */
export async function getDoctor(
  ctx: AppContext,
  id: string,
): Promise<DoctorRow & { departmentIds: string[] }> {
  const [row] = await ctx.db.select().from(doctors).where(eq(doctors.id, id));
  if (!row) throw notFound('doctor', '医生');
  const links = await ctx.db
    .select({ departmentId: doctorDepartments.departmentId })
    .from(doctorDepartments)
    .where(eq(doctorDepartments.doctorId, id))
    .orderBy(asc(doctorDepartments.sort));
  return { ...row, departmentIds: links.map((l) => l.departmentId) };
}

/** Enabled doctors of one department (a parent category includes its children's doctors). */
export async function listDoctorsOfDepartment(
  ctx: AppContext,
  departmentId: string,
): Promise<DoctorSummary[]> {
  const rows = await ctx.db
    .selectDistinct({ d: doctors })
    .from(doctors)
    .innerJoin(doctorDepartments, eq(doctorDepartments.doctorId, doctors.id))
    .innerJoin(departments, eq(departments.id, doctorDepartments.departmentId))
    .where(
      and(
        eq(doctors.enabled, true),
        sql`(${departments.id} = ${departmentId} OR ${departments.parentId} = ${departmentId})`,
      ),
    );
  const list = rows.map((r) => r.d).sort(byTitleThenSort);
  return summarise(ctx, list);
}

/** The public doctor card: profile, departments, specialties; `schedules` is left for scheduling. */
export async function getDoctorCard(ctx: AppContext, id: string): Promise<DoctorCard> {
  const [row] = await ctx.db
    .select()
    .from(doctors)
    .where(and(eq(doctors.id, id), eq(doctors.enabled, true)));
  if (!row) throw notFound('doctor', '医生');
  const [summary] = await summarise(ctx, [row]);
  const [{ n }] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(doctorFollows)
    .where(eq(doctorFollows.doctorId, id));
  return { ...summary, schedules: [], followerCount: n };
}

// ---------------------------------------------------------------------------------------------
// Public reads

export async function getHospital(ctx: AppContext) {
  const [row] = await ctx.db.select().from(hospital);
  if (!row) throw notFound('hospital', '医院信息');
  const featured = await listFeaturedDisciplines(ctx);
  const { id: _id, ...rest } = row;
  return { ...rest, keyDepartments: featured.map((f) => ({ id: f.departmentId, name: f.departmentName })) };
}

export function navigationUrl(c: Pick<CampusRow, 'lat' | 'lng' | 'name' | 'address'>): string {
  // Tencent Maps URI API: opens the map app / H5 map with a marker, from which the patient
  // plans a route from the current position (DIR-06).
  const marker = `coord:${c.lat},${c.lng};title:${encodeURIComponent(c.name)};addr:${encodeURIComponent(c.address)}`;
  return `https://apis.map.qq.com/uri/v1/marker?marker=${marker}&referer=qingnang`;
}

/** Tencent Maps route planning from the patient's current position (no `from`), with travel times. */
export function routePlanUrl(
  c: Pick<CampusRow, 'lat' | 'lng' | 'name'>,
  mode: 'drive' | 'bus' | 'walk' = 'drive',
) {
  return `https://apis.map.qq.com/uri/v1/routeplan?type=${mode}&to=${encodeURIComponent(c.name)}&tocoord=${c.lat},${c.lng}&referer=qingnang`;
}

export function campusView(c: CampusRow) {
  return {
    id: c.id,
    name: c.name,
    address: c.address,
    lat: c.lat,
    lng: c.lng,
    phone: c.phone,
    openingHours: c.openingHours,
    transport: c.transport,
    sitePlanUrl: c.sitePlanUrl,
    sort: c.sort,
    enabled: c.enabled,
    navigationUrl: navigationUrl(c),
    routeUrls: {
      drive: routePlanUrl(c, 'drive'),
      bus: routePlanUrl(c, 'bus'),
      walk: routePlanUrl(c, 'walk'),
    },
  };
}

export async function listCampuses(ctx: AppContext) {
  const rows = await ctx.db
    .select()
    .from(campuses)
    .where(eq(campuses.enabled, true))
    .orderBy(asc(campuses.sort), asc(campuses.name));
  return rows.map(campusView);
}

/** A campus with its buildings, their floors and what is on each floor (DIR-05). */
export async function getCampusDetail(ctx: AppContext, id: string) {
  const [c] = await ctx.db
    .select()
    .from(campuses)
    .where(and(eq(campuses.id, id), eq(campuses.enabled, true)));
  if (!c) throw notFound('campus', '院区');
  const bs = await ctx.db
    .select()
    .from(buildings)
    .where(eq(buildings.campusId, id))
    .orderBy(asc(buildings.sort), asc(buildings.name));
  const fs = bs.length
    ? await ctx.db
        .select()
        .from(floors)
        .where(
          inArray(
            floors.buildingId,
            bs.map((b) => b.id),
          ),
        )
        .orderBy(asc(floors.level))
    : [];
  const deps = fs.length
    ? await ctx.db
        .select()
        .from(departments)
        .where(
          and(
            eq(departments.enabled, true),
            inArray(
              departments.floorId,
              fs.map((f) => f.id),
            ),
          ),
        )
        .orderBy(asc(departments.sort))
    : [];
  return {
    ...campusView(c),
    buildings: bs.map((b) => ({
      id: b.id,
      name: b.name,
      description: b.description,
      floors: fs
        .filter((f) => f.buildingId === b.id)
        .map((f) => ({
          id: f.id,
          label: f.label,
          level: f.level,
          // a drawn plan when uploaded, else the schematic one drawn from this directory
          floorPlanUrl: f.floorPlanUrl || `/api/v1/floors/${f.id}/plan.svg`,
          facilities: f.facilities,
          departments: deps
            .filter((d) => d.floorId === f.id)
            .map((d) => ({ id: d.id, name: d.name, location: d.location })),
        })),
    })),
  };
}

/**
 * Enabled parent categories with their enabled departments (DIR-03). With `q` (a name fragment or
 * pinyin initials such as `xnk` for 心内科… or `xxgnk` for 心血管内科) only matching departments are
 * kept, under their categories; a matching category keeps all its departments.
 */
export async function getDepartmentTree(ctx: AppContext, q?: string) {
  const rows = await ctx.db
    .select()
    .from(departments)
    .where(eq(departments.enabled, true))
    .orderBy(asc(departments.sort), asc(departments.name));
  const needle = q?.trim().toLowerCase();
  const initials = needle ? initialsQuery(needle) : '';
  const matches = (d: DepartmentRow) =>
    !needle ||
    d.name.toLowerCase().includes(needle) ||
    d.code.toLowerCase() === needle ||
    (initials !== '' && d.nameInitials.split(' ').some((v) => v.includes(initials)));
  return rows
    .filter((d) => d.parentId === null)
    .map((p) => ({
      ...departmentBrief(p),
      children: rows.filter((d) => d.parentId === p.id && (matches(p) || matches(d))).map(departmentBrief),
    }))
    .filter((p) => !needle || p.children.length > 0 || matches(rows.find((r) => r.id === p.id)!));
}

export function departmentBrief(d: DepartmentRow) {
  return {
    id: d.id,
    code: d.code,
    name: d.name,
    parentId: d.parentId,
    campusId: d.campusId,
    location: d.location,
    sort: d.sort,
  };
}

/** A department's page: introduction, scope, staffing, strengths, location and experts (DIR-02). */
export async function getDepartmentDetail(ctx: AppContext, id: string) {
  const [d] = await ctx.db
    .select()
    .from(departments)
    .where(and(eq(departments.id, id), eq(departments.enabled, true)));
  if (!d) throw notFound('department', '科室');
  const [parent] = d.parentId
    ? await ctx.db.select().from(departments).where(eq(departments.id, d.parentId))
    : [];
  const children = await ctx.db
    .select()
    .from(departments)
    .where(and(eq(departments.parentId, id), eq(departments.enabled, true)))
    .orderBy(asc(departments.sort));
  const place = await locationOf(ctx, d);
  return {
    ...departmentBrief(d),
    parent: parent ? { id: parent.id, name: parent.name } : null,
    children: children.map(departmentBrief),
    phone: d.phone,
    introduction: d.introduction,
    strengths: d.strengths,
    scope: d.scope,
    staffing: d.staffing,
    ...place,
    doctors: await listDoctorsOfDepartment(ctx, id),
  };
}

async function locationOf(ctx: AppContext, d: DepartmentRow) {
  const [campus] = d.campusId ? await ctx.db.select().from(campuses).where(eq(campuses.id, d.campusId)) : [];
  let floor: { id: string; label: string; buildingId: string; buildingName: string } | null = null;
  if (d.floorId) {
    const [f] = await ctx.db
      .select({ id: floors.id, label: floors.label, buildingId: buildings.id, buildingName: buildings.name })
      .from(floors)
      .innerJoin(buildings, eq(buildings.id, floors.buildingId))
      .where(eq(floors.id, d.floorId));
    floor = f ?? null;
  }
  return {
    campus: campus ? { id: campus.id, name: campus.name, navigationUrl: navigationUrl(campus) } : null,
    floor,
  };
}

export interface DoctorSearch {
  q?: string;
  departmentId?: string;
  title?: DoctorTitle;
  page: number;
  pageSize: number;
  /** console only */
  includeDisabled?: boolean;
}

/** Doctors by name, name initials, code or specialty, department (parent includes children) and title. */
export async function searchDoctors(ctx: AppContext, s: DoctorSearch): Promise<Page<DoctorSummary>> {
  const conds = s.includeDisabled ? [] : [eq(doctors.enabled, true)];
  const q = s.q?.trim();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    const initials = initialsQuery(q);
    conds.push(
      sql`(${doctors.name} ILIKE ${like} OR ${doctors.code} ILIKE ${like} OR array_to_string(${doctors.specialties}, ' ') ILIKE ${like}${
        initials ? sql` OR ${doctors.nameInitials} LIKE ${`%${initials}%`}` : sql``
      })`,
    );
  }
  if (s.title) conds.push(eq(doctors.title, s.title));
  if (s.departmentId) {
    conds.push(sql`EXISTS (SELECT 1 FROM doctor_departments dd JOIN departments x ON x.id = dd.department_id
      WHERE dd.doctor_id = ${doctors.id} AND (x.id = ${s.departmentId} OR x.parent_id = ${s.departmentId}))`);
  }
  const where = and(...conds);
  const [{ total }] = await ctx.db
    .select({ total: sql<number>`count(*)::int` })
    .from(doctors)
    .where(where);
  const rows = await ctx.db
    .select()
    .from(doctors)
    .where(where)
    .orderBy(
      sql`CASE ${doctors.title} WHEN 'chief_physician' THEN 1 WHEN 'associate_chief' THEN 2
      WHEN 'attending' THEN 3 ELSE 4 END`,
      asc(doctors.sort),
      asc(doctors.name),
      asc(doctors.id),
    )
    .limit(s.pageSize)
    .offset((s.page - 1) * s.pageSize);
  return { items: await summarise(ctx, rows), total, page: s.page, pageSize: s.pageSize };
}

export async function listFeaturedDisciplines(ctx: AppContext) {
  const rows = await ctx.db
    .select({ f: featuredDisciplines, departmentName: departments.name })
    .from(featuredDisciplines)
    .innerJoin(departments, eq(departments.id, featuredDisciplines.departmentId))
    .where(eq(departments.enabled, true))
    .orderBy(asc(featuredDisciplines.sort), asc(featuredDisciplines.title));
  return rows.map(({ f, departmentName }) => ({
    id: f.id,
    departmentId: f.departmentId,
    departmentName,
    title: f.title,
    description: f.description,
    imageUrl: f.imageUrl,
    sort: f.sort,
  }));
}

export async function listRecommendedDoctors(ctx: AppContext) {
  const rows = await ctx.db
    .select({ r: recommendedDoctors, d: doctors })
    .from(recommendedDoctors)
    .innerJoin(doctors, eq(doctors.id, recommendedDoctors.doctorId))
    .where(eq(doctors.enabled, true))
    .orderBy(asc(recommendedDoctors.sort), asc(doctors.name));
  const summaries = await summarise(
    ctx,
    rows.map((r) => r.d),
  );
  return rows.map(({ r }, i) => ({ id: r.id, reason: r.reason, sort: r.sort, doctor: summaries[i] }));
}

// ---------------------------------------------------------------------------------------------
// Following doctors (DIR-15): idempotent both ways.

export async function followDoctor(ctx: AppContext, accountId: string, doctorId: string) {
  await getDoctorCard(ctx, doctorId);
  await ctx.db
    .insert(doctorFollows)
    .values({ accountId, doctorId, createdAt: ctx.clock.now() })
    .onConflictDoNothing();
  return { doctorId, following: true };
}

export async function unfollowDoctor(ctx: AppContext, accountId: string, doctorId: string) {
  // a disabled doctor can still be unfollowed; an id that never was a doctor is a 404
  await getDoctor(ctx, doctorId);
  await ctx.db
    .delete(doctorFollows)
    .where(and(eq(doctorFollows.accountId, accountId), eq(doctorFollows.doctorId, doctorId)));
  return { doctorId, following: false };
}

export async function listFollowedDoctors(ctx: AppContext, accountId: string) {
  const rows = await ctx.db
    .select({ d: doctors, followedAt: doctorFollows.createdAt })
    .from(doctorFollows)
    .innerJoin(doctors, eq(doctors.id, doctorFollows.doctorId))
    .where(and(eq(doctorFollows.accountId, accountId), eq(doctors.enabled, true)))
    .orderBy(sql`${doctorFollows.createdAt} DESC`, asc(doctors.name));
  const summaries = await summarise(
    ctx,
    rows.map((r) => r.d),
  );
  return summaries.map((s, i) => ({ ...s, followedAt: rows[i].followedAt.toISOString() }));
}

export async function isFollowing(ctx: AppContext, accountId: string, doctorId: string) {
  const rows = await ctx.db
    .select({ a: doctorFollows.accountId })
    .from(doctorFollows)
    .where(and(eq(doctorFollows.accountId, accountId), eq(doctorFollows.doctorId, doctorId)));
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Helpers

export async function summarise(ctx: AppContext, rows: DoctorRow[]): Promise<DoctorSummary[]> {
  if (rows.length === 0) return [];
  const links = await ctx.db
    .select({
      doctorId: doctorDepartments.doctorId,
      id: departments.id,
      code: departments.code,
      name: departments.name,
      sort: doctorDepartments.sort,
    })
    .from(doctorDepartments)
    .innerJoin(departments, eq(departments.id, doctorDepartments.departmentId))
    .where(
      and(
        inArray(
          doctorDepartments.doctorId,
          rows.map((r) => r.id),
        ),
        eq(departments.enabled, true),
      ),
    )
    .orderBy(asc(doctorDepartments.sort));
  return rows.map((d) => ({
    id: d.id,
    code: d.code,
    name: d.name,
    title: d.title,
    titleLabel: { zh: DOCTOR_TITLES[d.title].zh, en: DOCTOR_TITLES[d.title].en },
    gender: d.gender,
    photoUrl: d.photoUrl,
    specialties: d.specialties,
    introduction: d.introduction,
    enabled: d.enabled,
    departments: links
      .filter((l) => l.doctorId === d.id)
      .map((l) => ({ id: l.id, code: l.code, name: l.name })),
  }));
}

function byTitleThenSort(a: DoctorRow, b: DoctorRow) {
  return (
    DOCTOR_TITLES[a.title].rank - DOCTOR_TITLES[b.title].rank ||
    a.sort - b.sort ||
    a.name.localeCompare(b.name, 'zh')
  );
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
