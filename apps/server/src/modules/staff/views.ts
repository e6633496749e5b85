import type { staffUsers } from '../../platform/schema.js';

export type StaffUserRow = typeof staffUsers.$inferSelect;

export interface StaffUserView {
  id: string;
  username: string;
  displayName: string;
  enabled: boolean;
  mustChangePassword: boolean;
  /** locked by failed logins right now */
  locked: boolean;
  lockedUntil: string | null;
  roles: string[];
  departmentId: string | null;
  doctorId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the API shows of a staff account: never the password hash. */
export function toStaffUserView(u: StaffUserRow, roles: string[], now: Date): StaffUserView {
  const locked = Boolean(u.lockedUntil && u.lockedUntil > now);
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    enabled: u.enabled,
    mustChangePassword: u.mustChangePassword,
    locked,
    lockedUntil: locked ? u.lockedUntil!.toISOString() : null,
    roles,
    departmentId: u.departmentId,
    doctorId: u.doctorId,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
