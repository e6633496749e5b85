/** Response schemas of the gateway module's routes (derived from what the handlers return). */
import { z } from 'zod';

export const IntegrationV1SlotsListResponse = z.object({
  schedules: z.array(
    z.object({
      id: z.string(),
      doctorId: z.string(),
      departmentId: z.string(),
      clinicDate: z.string(),
      shiftCode: z.string(),
      level: z.enum(['general', 'expert', 'special']),
      feeFen: z.number(),
      state: z.enum(['open', 'stopped', 'past']),
      released: z.boolean(),
      releaseAt: z.string(),
      remaining: z.number(),
      full: z.boolean(),
      segments: z.array(
        z.object({
          id: z.string(),
          startAt: z.string(),
          endAt: z.string(),
          state: z.enum(['open', 'stopped', 'past', 'closed']),
          remaining: z.number(),
          full: z.boolean(),
        }),
      ),
    }),
  ),
});
export type IntegrationV1SlotsListResponse = z.infer<typeof IntegrationV1SlotsListResponse>;

export const IntegrationV1LocksPostResponse = z.object({
  registrationId: z.string(),
  state: z.enum(['locked', 'booked', 'checked_in', 'completed', 'expired', 'cancelled', 'no_show']),
  scheduleId: z.string(),
  segmentId: z.string(),
  slotNumber: z.number(),
  clinicDate: z.string(),
  segmentStartAt: z.string(),
  segmentEndAt: z.string(),
  doctorId: z.string(),
  departmentId: z.string(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
  lockExpiresAt: z.string().nullable(),
  patientRef: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});
export type IntegrationV1LocksPostResponse = z.infer<typeof IntegrationV1LocksPostResponse>;

export const IntegrationV1RegistrationsConfirmPostResponse = z.object({
  registrationId: z.string(),
  state: z.enum(['locked', 'booked', 'checked_in', 'completed', 'expired', 'cancelled', 'no_show']),
  scheduleId: z.string(),
  segmentId: z.string(),
  slotNumber: z.number(),
  clinicDate: z.string(),
  segmentStartAt: z.string(),
  segmentEndAt: z.string(),
  doctorId: z.string(),
  departmentId: z.string(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
  lockExpiresAt: z.string().nullable(),
  patientRef: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});
export type IntegrationV1RegistrationsConfirmPostResponse = z.infer<
  typeof IntegrationV1RegistrationsConfirmPostResponse
>;

export const IntegrationV1RegistrationsCancelPostResponse = z.object({
  registrationId: z.string(),
  state: z.enum(['locked', 'booked', 'checked_in', 'completed', 'expired', 'cancelled', 'no_show']),
  scheduleId: z.string(),
  segmentId: z.string(),
  slotNumber: z.number(),
  clinicDate: z.string(),
  segmentStartAt: z.string(),
  segmentEndAt: z.string(),
  doctorId: z.string(),
  departmentId: z.string(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
  lockExpiresAt: z.string().nullable(),
  patientRef: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});
export type IntegrationV1RegistrationsCancelPostResponse = z.infer<
  typeof IntegrationV1RegistrationsCancelPostResponse
>;
