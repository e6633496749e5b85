/** Response schemas of the workbench module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { Timestamp, id, isoDate } from './common.js';

export const ClinicPatient = z.object({
  registrationId: z.string(),
  patientName: z.string(),
  slotNumber: z.number(),
  queueNumber: z.number().nullable(),
  state: z.string(),
  segmentStartAt: Timestamp,
  segmentEndAt: Timestamp,
  checkedInAt: Timestamp.nullable(),
});
export type ClinicPatient = z.infer<typeof ClinicPatient>;

export const ClinicCard = z.object({
  scheduleId: z.string(),
  doctorId: z.string(),
  doctorName: z.string().nullable(),
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  clinicDate: z.string(),
  shiftCode: z.string(),
  startAt: Timestamp,
  endAt: Timestamp,
  state: z.enum(['open', 'stopped', 'past']),
  bookingClosed: z.boolean(),
  total: z.number(),
  booked: z.number(),
  remaining: z.number(),
  checkedIn: z.number(),
  waiting: z.number(),
  noShow: z.number(),
  patients: z.array(ClinicPatient).optional(),
});
export type ClinicCard = z.infer<typeof ClinicCard>;

/**
 * The staff home: the day and who is signed in, then one section per desk the account works at
 * (each present only for that desk; their shapes are the workbench module's own and pass through).
 */
export const AdminWorkbenchListResponse = z.object({
  date: z.string(),
  staff: z.object({
    displayName: z.string().nullable(),
    doctorId: z.string().nullable(),
    doctorName: z.string().nullable(),
    departmentId: z.string().nullable(),
    departmentName: z.string().nullable(),
  }),
  notLinked: z.unknown().optional(),
  doctor: z.unknown().optional(),
  nurse: z.unknown().optional(),
  pharmacist: z.unknown().optional(),
  medic: z.unknown().optional(),
  overview: z.unknown().optional(),
});
export type AdminWorkbenchListResponse = z.infer<typeof AdminWorkbenchListResponse>;

export const AdminWorkbenchClinicsListResponse = z.object({ date: z.string(), items: z.array(ClinicCard) });
export type AdminWorkbenchClinicsListResponse = z.infer<typeof AdminWorkbenchClinicsListResponse>;

// ------------------------------------------------------------ request schemas

/** GET /v1/admin/workbench: query. */
export const WorkbenchQuery = z.object({ date: isoDate.optional() }).strict();

/** GET /v1/admin/workbench/clinics: query. */
export const WorkbenchClinicsQuery = z
  .object({ date: isoDate.optional(), doctorId: id.optional(), departmentId: id.optional() })
  .strict();
