import { eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { Principal } from '../../platform/auth.js';
import { DomainError } from '../../platform/errors.js';
import { staffUsers } from '../../platform/schema.js';

/**
 * Least privilege for clinical staff (issue 15, defect 13): a holder of the doctor workbench sees
 * the clinics of the doctor their account is linked to, a holder of the nurse workbench those of
 * their department; everyone else who may read registrations (operators, finance, administrators)
 * sees the hospital. Decided by permissions and the account's link (staff_users.doctor_id /
 * department_id, kept by the administrator), never by a role's name.
 */
export interface ClinicalScope {
  doctorIds: string[];
  departmentIds: string[];
}

export interface StaffLink {
  displayName: string;
  doctorId: string | null;
  departmentId: string | null;
}

/** The staff account's link to a doctor and a department. */
export async function staffLinkOf(ctx: AppContext, staffId: string): Promise<StaffLink> {
  const [row] = await ctx.db
    .select({
      displayName: staffUsers.displayName,
      doctorId: staffUsers.doctorId,
      departmentId: staffUsers.departmentId,
    })
    .from(staffUsers)
    .where(eq(staffUsers.id, staffId));
  return row ?? { displayName: '', doctorId: null, departmentId: null };
}

export const isDoctorDesk = (p: Principal) => p.permissions.has('doctor.workbench');
export const isNurseDesk = (p: Principal) => p.permissions.has('nurse.workbench');

/**
 * The clinics a staff member may see, or undefined for the whole hospital. A clinical account
 * without the link it needs is refused rather than shown everything.
 */
export async function clinicalScopeOf(ctx: AppContext, p: Principal): Promise<ClinicalScope | undefined> {
  if (p.permissions.has('*') || (!isDoctorDesk(p) && !isNurseDesk(p))) return undefined;
  const link = await staffLinkOf(ctx, p.id);
  const scope: ClinicalScope = { doctorIds: [], departmentIds: [] };
  if (isDoctorDesk(p) && link.doctorId) scope.doctorIds.push(link.doctorId);
  if (isNurseDesk(p) && link.departmentId) scope.departmentIds.push(link.departmentId);
  if (scope.doctorIds.length === 0 && scope.departmentIds.length === 0)
    throw new DomainError(
      'STAFF_NOT_LINKED',
      403,
      '您的账号尚未关联医生或科室，请联系管理员设置后再查看门诊患者',
      'Your account is not linked to a doctor or a department; ask an administrator to link it',
    );
  return scope;
}

/** A filter naming a doctor or department outside the scope is refused, not silently emptied. */
export function assertWithinScope(
  scope: ClinicalScope | undefined,
  filter: { doctorId?: string; departmentId?: string },
): void {
  if (!scope) return;
  const doctorOk =
    !filter.doctorId ||
    scope.doctorIds.includes(filter.doctorId) ||
    (scope.departmentIds.length > 0 && scope.doctorIds.length === 0);
  const departmentOk =
    !filter.departmentId ||
    scope.departmentIds.includes(filter.departmentId) ||
    (scope.doctorIds.length > 0 && scope.departmentIds.length === 0);
  if (!doctorOk || !departmentOk)
    throw new DomainError(
      'OUTSIDE_CLINICAL_SCOPE',
      403,
      '只能查看本人出诊或本科室的门诊',
      'You can only see your own clinics or those of your department',
      { doctorId: filter.doctorId ?? null, departmentId: filter.departmentId ?? null },
    );
}

/** Whether one registration (or clinic) lies inside the scope. */
export function withinScope(
  scope: ClinicalScope | undefined,
  r: { doctorId: string; departmentId: string },
): boolean {
  return !scope || scope.doctorIds.includes(r.doctorId) || scope.departmentIds.includes(r.departmentId);
}
