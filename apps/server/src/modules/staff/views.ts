import type { staffUsers } from '../../platform/schema.js';

export type StaffUserRow = typeof staffUsers.$inferSelect;

export interface StaffUserView {
  id: string;
  username: string;
  displayName: string;
  enabled: boolean;
  mustChangePassword: boolean;
  /** logins from some address are locked by wrong passwords right now (other addresses still log in) */
  locked: boolean;
  /** when the latest of those locks ends */
  lockedUntil: string | null;
  roles: string[];
  departmentId: string | null;
  doctorId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the API shows of a staff account: never the password hash. */
export function toStaffUserView(
  u: StaffUserRow,
  roles: string[],
  now: Date,
  /** the latest live login lock of the account (login-throttle.ts liveLocks) */
  lockedUntil?: Date,
): StaffUserView {
  const locked = Boolean(lockedUntil && lockedUntil > now);
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    enabled: u.enabled,
    mustChangePassword: u.mustChangePassword,
    locked,
    lockedUntil: locked ? lockedUntil!.toISOString() : null,
    roles,
    departmentId: u.departmentId,
    doctorId: u.doctorId,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
