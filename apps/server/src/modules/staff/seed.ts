import { and, eq, isNull } from 'drizzle-orm';
import type { SeedStep } from '../../db/seed/steps.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { staffUserRoles, staffUsers } from '../../platform/schema.js';
import { hashPassword } from './password.js';
import { getDepartmentTree, listDoctorsOfDepartment } from '../directory/index.js';

/**
 * One demo account per builtin role. The passwords are documented (README, demo banner) and do not
 * have to be changed at first login, for demo convenience; real accounts are created by an admin.
 */
export const DEMO_STAFF: { username: string; password: string; displayName: string; role: string }[] = [
  { username: 'admin', password: 'Admin@2026', displayName: '系统管理员', role: 'admin' },
  { username: 'operator', password: 'Oper@2026', displayName: '运营专员', role: 'operator' },
  { username: 'doctor', password: 'Doctor@2026', displayName: '门诊医生', role: 'doctor' },
  { username: 'nurse', password: 'Nurse@2026', displayName: '门诊护士', role: 'nurse' },
  { username: 'pharmacist', password: 'Pharm@2026', displayName: '药师', role: 'pharmacist' },
  { username: 'finance', password: 'Finance@2026', displayName: '财务专员', role: 'finance' },
  { username: 'medic', password: 'Medic@2026', displayName: '急救医护', role: 'medic' },
];

export const staffSeed: SeedStep = {
  name: 'staff',
  async run(ctx: AppContext) {
    let wrote = false;
    for (const demo of DEMO_STAFF) {
      const [existing] = await ctx.db
        .select({ id: staffUsers.id })
        .from(staffUsers)
        .where(eq(staffUsers.username, demo.username));
      if (existing) continue;
      const now = ctx.clock.now();
      const id = newId();
      const passwordHash = await hashPassword(demo.password);
      await ctx.db.transaction(async (tx) => {
        await tx.insert(staffUsers).values({
          id,
          username: demo.username,
          displayName: demo.displayName,
          passwordHash,
          mustChangePassword: false,
          createdAt: now,
          updatedAt: now,
        });
        await tx.insert(staffUserRoles).values({ staffId: id, roleCode: demo.role });
      });
      wrote = true;
    }
    return wrote;
  },
};

/** The demo department of the clinical accounts: the doctor is one of its doctors, the nurse works there. */
export const DEMO_CLINICAL_DEPARTMENT = '心血管内科';

/**
 * Links the demo doctor and nurse to the directory (after it is seeded), so their homes and lists show
 * their own clinics: the doctor account to the first doctor of the demo department, the nurse account
 * to the department. An account an administrator has already linked is left as it is.
 */
export const staffLinksSeed: SeedStep = {
  name: 'staff-links',
  async run(ctx: AppContext) {
    const dept = (await getDepartmentTree(ctx))
      .flatMap((p) => p.children)
      .find((d) => d.name === DEMO_CLINICAL_DEPARTMENT);
    if (!dept) return false;
    const [doctor] = await listDoctorsOfDepartment(ctx, dept.id);
    const now = ctx.clock.now();
    let wrote = false;
    const link = async (username: string, set: { doctorId?: string; departmentId: string }) => {
      const r = await ctx.db
        .update(staffUsers)
        .set({ ...set, updatedAt: now })
        .where(
          and(
            eq(staffUsers.username, username),
            isNull(staffUsers.doctorId),
            isNull(staffUsers.departmentId),
          ),
        )
        .returning({ id: staffUsers.id });
      if (r.length > 0) wrote = true;
    };
    if (doctor) await link('doctor', { doctorId: doctor.id, departmentId: dept.id });
    await link('nurse', { departmentId: dept.id });
    return wrote;
  },
};
