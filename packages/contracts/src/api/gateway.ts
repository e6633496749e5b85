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

/** What a third-party channel is answered about a lock, confirmation or cancellation. */
export const GatewayRegistrationReceipt = z.object({
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
export type GatewayRegistrationReceipt = z.infer<typeof GatewayRegistrationReceipt>;

export const IntegrationV1LocksPostResponse = GatewayRegistrationReceipt;
export type IntegrationV1LocksPostResponse = z.infer<typeof IntegrationV1LocksPostResponse>;

export const IntegrationV1RegistrationsConfirmPostResponse = GatewayRegistrationReceipt;
export type IntegrationV1RegistrationsConfirmPostResponse = z.infer<
  typeof IntegrationV1RegistrationsConfirmPostResponse
>;

export const IntegrationV1RegistrationsCancelPostResponse = GatewayRegistrationReceipt;
export type IntegrationV1RegistrationsCancelPostResponse = z.infer<
  typeof IntegrationV1RegistrationsCancelPostResponse
>;

// ---- integration channels (console) ----

/** What an outside system may call. */
export const INTEGRATION_OPERATIONS = [
  'slots.query',
  'slots.lock',
  'registrations.confirm',
  'registrations.cancel',
  'his.admissions.push',
  'his.inpatient-charges.push',
  'his.discharge.push',
  'his.discharge-reversal.push',
  'lis.reports.push',
  'pacs.reports.push',
  'his.visits.push',
  'his.bills.push',
  'his.execution.push',
  'einvoice.printed.push',
  'einvoice.query',
  'exam.bookings.push',
  'his.prescriptions.push',
] as const;

/** What kind of outside system a channel is. */
export const CHANNEL_KINDS = ['his_counter', 'booking_platform', 'pharmacy', 'other'] as const;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');
const UNTIL = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:mm');

const ChannelFields = {
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{1,39}$/, 'lower-case letters, digits, _ and -, 2-40'),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(CHANNEL_KINDS),
  allowedOperations: z.array(z.enum(INTEGRATION_OPERATIONS)).max(INTEGRATION_OPERATIONS.length),
  allowedFrom: HHMM.nullable(),
  allowedUntil: UNTIL.nullable(),
  enabled: z.boolean(),
};

export const ChannelBody = z
  .object({
    ...ChannelFields,
    allowedFrom: ChannelFields.allowedFrom.default(null),
    allowedUntil: ChannelFields.allowedUntil.default(null),
    enabled: ChannelFields.enabled.default(true),
  })
  .strict();
export const ChannelPatch = z
  .object(ChannelFields)
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });

export const ChannelView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  appId: z.string(),
  allowedOperations: z.array(z.enum(INTEGRATION_OPERATIONS)),
  allowedFrom: z.string().nullable(),
  allowedUntil: z.string().nullable(),
  enabled: z.boolean(),
  secretRotatedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ChannelWithSecret = ChannelView.extend({ secret: z.string() });

export const ChannelIdParams = z.object({ id: z.string().uuid() });

export const ChannelCallsListResponse = z.object({
  total: z.number(),
  items: z.array(
    z.object({
      id: z.string(),
      channelId: z.string().nullable(),
      appId: z.string().nullable(),
      operation: z.string().nullable(),
      method: z.string(),
      path: z.string(),
      outcome: z.string(),
      status: z.number(),
      at: z.string(),
      durationMs: z.number().nullable(),
      requestId: z.string().nullable(),
    }),
  ),
});
export type ChannelView = z.infer<typeof ChannelView>;
export type ChannelCallsListResponse = z.infer<typeof ChannelCallsListResponse>;
