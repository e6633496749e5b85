/** Response schemas of the access-log module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { ACCESS_GROUNDS } from '../labels.js';
import { paging } from './common.js';

export const AccountActorView = z.object({
  kind: z.literal('account'),
  relation: z.enum(['self', 'spouse', 'parent', 'child', 'other']).nullable(),
  relationZh: z.string().nullable(),
  relationEn: z.string().nullable(),
  phoneMasked: z.string().nullable(),
});
export type AccountActorView = z.infer<typeof AccountActorView>;

export const StaffActorView = z.object({
  kind: z.literal('staff'),
  roles: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
  department: z.string().nullable(),
});
export type StaffActorView = z.infer<typeof StaffActorView>;

export const AccessLogEntry = z.object({
  id: z.string(),
  at: z.string(),
  recordKind: z.enum([
    'report',
    'patient_profile',
    'his_profile',
    'registration',
    'visit',
    'health_record',
    'bill',
    'payment',
    'prescription',
    'inpatient',
    'einvoice',
    'insurance',
    'credit',
    'exam',
  ]),
  ground: z.enum(ACCESS_GROUNDS),
  objectType: z.string(),
  objectId: z.string().nullable(),
  actor: z.union([AccountActorView, StaffActorView]),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

export const PatientsAccessLogListResponse = z.object({
  items: z.array(AccessLogEntry),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type PatientsAccessLogListResponse = z.infer<typeof PatientsAccessLogListResponse>;

// ---- requests ----

export const AccessLogPatientsAccessLogParams = z.object({ id: z.string().uuid() });

export const AccessLogPatientsAccessLogQuery = z.object({ ...paging(50) }).strict();
