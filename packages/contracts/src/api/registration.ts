/** Response schemas of the registration module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { PAYMENT_ORDER_STATES } from './payments.js';
import { Binary, Timestamp, isoDate } from './common.js';

/** The payment order behind a registration, as the registration views show it. */
export const RegistrationPaymentSummary = z.object({
  orderId: z.string(),
  orderNo: z.string(),
  state: z.enum(PAYMENT_ORDER_STATES),
  amountFen: z.number(),
  refundedFen: z.number(),
  expiresAt: Timestamp,
  paidAt: Timestamp.nullable(),
});
export type RegistrationPaymentSummary = z.infer<typeof RegistrationPaymentSummary>;

/** One registration as lists show it. */
export const RegistrationSummary = z.object({
  id: z.string(),
  state: z.enum(['locked', 'booked', 'checked_in', 'completed', 'expired', 'cancelled', 'no_show']),
  channel: z.enum(['online', 'counter', 'third_party']),
  patientId: z.string().nullable(),
  patientName: z.string(),
  doctorId: z.string(),
  doctorName: z.string().nullable(),
  doctorTitle: z.string().nullable(),
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  scheduleId: z.string(),
  segmentId: z.string(),
  clinicDate: z.string(),
  shiftCode: z.string(),
  segmentStartAt: Timestamp,
  segmentEndAt: Timestamp,
  slotNumber: z.number(),
  level: z.enum(['general', 'expert', 'special']),
  feeFen: z.number(),
  lockExpiresAt: Timestamp.nullable(),
  paymentOrderId: z.string().nullable(),
  paidAt: Timestamp.nullable(),
  queueNumber: z.number().nullable(),
  checkInOpensAt: Timestamp,
  checkInClosesAt: Timestamp,
  checkedInAt: Timestamp.nullable(),
  cancelledAt: Timestamp.nullable(),
  cancelReason: z.string().nullable(),
  refundState: z.enum(['none', 'pending', 'requested', 'processing', 'succeeded', 'failed']),
  cancellable: z.boolean(),
  createdAt: Timestamp,
});
export type RegistrationSummary = z.infer<typeof RegistrationSummary>;

/** One registration with its payment, refund, pay code and next-step guidance (booking, detail, cancel, check-in). */
export const RegistrationView = z.object({
  payment: RegistrationPaymentSummary.nullable(),
  refund: z
    .object({
      state: z.enum(['pending', 'requested', 'processing', 'succeeded', 'failed']),
      refundId: z.string().nullable(),
    })
    .nullable(),
  qrPayload: z.string().nullable(),
  guidance: z
    .union([
      z.object({
        step: z.literal('check_in'),
        department: z.string(),
        location: z.string().nullable(),
        checkInOpensAt: Timestamp,
        checkInClosesAt: Timestamp,
        zh: z.string(),
        en: z.string(),
      }),
      z.object({
        step: z.literal('wait'),
        department: z.string(),
        location: z.string().nullable(),
        zh: z.string(),
        en: z.string(),
        checkInOpensAt: z.undefined().optional(),
        checkInClosesAt: z.undefined().optional(),
      }),
    ])
    .nullable(),
  ...RegistrationSummary.shape,
});
export type RegistrationView = z.infer<typeof RegistrationView>;

export const RegistrationsPostResponse = RegistrationView;
export type RegistrationsPostResponse = z.infer<typeof RegistrationsPostResponse>;

export const RegistrationsListResponse = z.object({ items: z.array(RegistrationSummary) });
export type RegistrationsListResponse = z.infer<typeof RegistrationsListResponse>;
export const RegistrationsRecentDoctorsListResponse = z.object({
  items: z.array(
    z.object({
      doctorId: z.string(),
      doctorName: z.string(),
      doctorTitle: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']),
      departmentId: z.string(),
      departmentName: z.string(),
      lastClinicDate: z.string(),
      upcoming: z.array(
        z.object({
          scheduleId: z.string(),
          clinicDate: z.string(),
          shiftCode: z.string(),
          level: z.enum(['general', 'expert', 'special']),
          feeFen: z.number(),
          remaining: z.number(),
          released: z.boolean(),
        }),
      ),
    }),
  ),
});
export type RegistrationsRecentDoctorsListResponse = z.infer<typeof RegistrationsRecentDoctorsListResponse>;

export const RegistrationsGetResponse = RegistrationView;
export type RegistrationsGetResponse = z.infer<typeof RegistrationsGetResponse>;

export const RegistrationsCancelPostResponse = RegistrationView;
export type RegistrationsCancelPostResponse = z.infer<typeof RegistrationsCancelPostResponse>;

export const RegistrationsCheckInPostResponse = RegistrationView;
export type RegistrationsCheckInPostResponse = z.infer<typeof RegistrationsCheckInPostResponse>;

export const AdminRegistrationsListResponse = z.object({
  // The console list names the patient first (the key order of its JSON schema).
  items: z.array(
    z.object({ patientName: z.string(), ...RegistrationSummary.omit({ patientName: true }).shape }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminRegistrationsListResponse = z.infer<typeof AdminRegistrationsListResponse>;

export const AdminRegistrationsExportListResponse = Binary;
export type AdminRegistrationsExportListResponse = z.infer<typeof AdminRegistrationsExportListResponse>;

export const AdminRegistrationsGetResponse = RegistrationView;
export type AdminRegistrationsGetResponse = z.infer<typeof AdminRegistrationsGetResponse>;

export const AdminRegistrationsCancelPostResponse = RegistrationView;
export type AdminRegistrationsCancelPostResponse = z.infer<typeof AdminRegistrationsCancelPostResponse>;

export const AdminSchedulesStopPostResponse = z.object({ cancelled: z.number(), refunded: z.number() });
export type AdminSchedulesStopPostResponse = z.infer<typeof AdminSchedulesStopPostResponse>;

export const AdminSchedulesHolidayStopPostResponse = z.object({
  schedules: z.number(),
  cancelled: z.number(),
  refunded: z.number(),
});
export type AdminSchedulesHolidayStopPostResponse = z.infer<typeof AdminSchedulesHolidayStopPostResponse>;

// ------------------------------------------------------------ request schemas

const dateString = isoDate;

const id = z.string().min(1).max(64);

const stateEnum = z.enum(['locked', 'booked', 'checked_in', 'completed', 'expired', 'cancelled', 'no_show']);

export const RegistrationAdminFilter = z
  .object({
    date: dateString.optional(),
    from: dateString.optional(),
    to: dateString.optional(),
    departmentId: id.optional(),
    doctorId: id.optional(),
    state: stateEnum.optional(),
    channel: z.enum(['online', 'counter', 'third_party']).optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** POST /v1/registrations: body. */
export const RegistrationsPostBody = z
  .object({
    patientId: id,
    scheduleId: id,
    segmentId: id.optional(),
    idempotencyKey: z.string().min(8).max(100),
  })
  .strict();

/** GET /v1/registrations: query. */
export const RegistrationsQuery = z
  .object({ patientId: id.optional(), state: stateEnum.optional() })
  .strict();

/** GET /v1/registrations/:id: params. */
export const RegistrationsParams = z.object({ id });

/** POST /v1/registrations/:id/cancel: params. */
export const RegistrationsCancelPostParams = z.object({ id });

/** POST /v1/registrations/:id/cancel: body. */
export const RegistrationsCancelPostBody = z
  .object({ reason: z.string().max(200).optional() })
  .strict()
  .optional();

/** POST /v1/registrations/:id/check-in: params. */
export const RegistrationsCheckInPostParams = z.object({ id });

/** POST /v1/registrations/:id/check-in: body. */
export const RegistrationsCheckInPostBody = z
  .object({
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  })
  .strict()
  .optional();

/** GET /v1/admin/registrations/export: query. */
export const RegistrationAdminRegistrationsExportQuery = RegistrationAdminFilter.omit({
  page: true,
  pageSize: true,
});

/** GET /v1/admin/registrations/:id: params. */
export const RegistrationAdminRegistrationsParams = z.object({ id });

/** POST /v1/admin/registrations/:id/cancel: params. */
export const RegistrationAdminRegistrationsCancelPostParams = z.object({ id });

/** POST /v1/admin/registrations/:id/cancel: body. */
export const RegistrationAdminRegistrationsCancelPostBody = z
  .object({ reason: z.string().trim().min(2).max(200) })
  .strict();

/** POST /v1/admin/schedules/:id/stop: params. */
export const RegistrationAdminSchedulesStopPostParams = z.object({ id });

/** POST /v1/admin/schedules/:id/stop: body. */
export const RegistrationAdminSchedulesStopPostBody = z
  .object({ segmentId: id.optional(), reason: z.string().trim().min(2).max(200) })
  .strict();

/** POST /v1/admin/schedules/holiday-stop: body. */
export const RegistrationAdminSchedulesHolidayStopPostBody = z
  .object({
    from: dateString,
    to: dateString,
    departmentId: id.optional(),
    doctorId: id.optional(),
    reason: z.string().trim().min(2).max(200),
  })
  .strict();
