/** Response schemas of the exams module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { FLAGS, REPORT_STATUSES } from './reports.js';

export const ExamRecord = z.object({
  examNo: z.string(),
  examDate: z.string(),
  packageName: z.string(),
  status: z.enum(['checked_in', 'completed', 'cancelled', 'booked']),
  reportNo: z.string().nullable(),
  summary: z.string().nullable(),
});
export type ExamRecord = z.infer<typeof ExamRecord>;

export const ExamInterpretation = z.object({
  code: z.string(),
  name: z.string(),
  meaning: z.string(),
  explanation: z.string().nullable(),
  advice: z.string().nullable(),
});
export type ExamInterpretation = z.infer<typeof ExamInterpretation>;

export const IntegrationV1ExamBookingsStatusPostResponse = z.object({
  bookingNo: z.string(),
  state: z.enum(['checked_in', 'completed', 'locked', 'paid', 'confirmed', 'cancelled', 'expired']),
  reportNo: z.string().nullable(),
});
export type IntegrationV1ExamBookingsStatusPostResponse = z.infer<
  typeof IntegrationV1ExamBookingsStatusPostResponse
>;

/** One exam package as patients see it, with its items. */
export const ExamPackageView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  priceFen: z.number(),
  gender: z.enum(['any', 'male', 'female']),
  minAge: z.number().nullable(),
  maxAge: z.number().nullable(),
  notes: z.string().nullable(),
  state: z.enum(['active', 'inactive']),
  itemCount: z.number(),
  categories: z.array(z.string()),
  items: z.array(
    z.object({
      name: z.string(),
      category: z.string(),
      meaning: z.string().nullable(),
      notes: z.string().nullable(),
    }),
  ),
});
export type ExamPackageView = z.infer<typeof ExamPackageView>;

/** One exam package as the console sees it: its sort position and last update besides. */
export const AdminExamPackageView = z.object({
  sort: z.number(),
  updatedAt: z.string(),
  ...ExamPackageView.shape,
});
export type AdminExamPackageView = z.infer<typeof AdminExamPackageView>;

/** One exam booking as lists show it. */
export const ExamBookingSummary = z.object({
  id: z.string(),
  bookingNo: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  package: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  priceFen: z.number(),
  examDate: z.string(),
  state: z.enum(['checked_in', 'completed', 'locked', 'paid', 'confirmed', 'cancelled', 'expired']),
  lockExpiresAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  checkedInAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  expiredAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  refundState: z.enum(['none', 'pending', 'requested', 'processing', 'succeeded', 'failed']),
  rescheduleCount: z.number(),
  examOrderNo: z.string().nullable(),
  examSystemPending: z.boolean(),
  changeable: z.boolean(),
  lastChangeDate: z.string(),
  reportNo: z.string().nullable(),
  createdAt: z.string(),
});
export type ExamBookingSummary = z.infer<typeof ExamBookingSummary>;

/** One exam booking with its payment order and report (booking, detail, reschedule, cancel). */
export const ExamBookingView = z.object({
  paymentOrder: z
    .object({
      id: z.string(),
      orderNo: z.string(),
      amountFen: z.number(),
      refundedFen: z.number(),
      state: z.enum(['paid', 'closed', 'created', 'paying', 'refunding', 'partially_refunded', 'refunded']),
      expiresAt: z.string(),
    })
    .nullable(),
  report: z
    .object({
      id: z.string(),
      reportNo: z.string(),
      title: z.string(),
      status: z.enum(REPORT_STATUSES),
      reportedAt: z.string().nullable(),
    })
    .nullable(),
  ...ExamBookingSummary.shape,
});
export type ExamBookingView = z.infer<typeof ExamBookingView>;

/** One exam booking as the console sees it: the patient's name masked. */
export const AdminExamBookingView = z.object({
  patientNameMasked: z.string(),
  ...ExamBookingSummary.omit({ patientName: true }).shape,
});
export type AdminExamBookingView = z.infer<typeof AdminExamBookingView>;

/** The capacity of an exam package over the coming days. */
export const AdminExamPackageCapacityView = z.object({
  packageId: z.string(),
  items: z.array(
    z.object({
      date: z.string(),
      capacity: z.number(),
      taken: z.number(),
      remaining: z.number(),
      closed: z.boolean(),
    }),
  ),
});
export type AdminExamPackageCapacityView = z.infer<typeof AdminExamPackageCapacityView>;

export const ExamPackagesListResponse = z.object({ items: z.array(ExamPackageView) });
export type ExamPackagesListResponse = z.infer<typeof ExamPackagesListResponse>;

export const ExamPackagesGetResponse = ExamPackageView;
export type ExamPackagesGetResponse = z.infer<typeof ExamPackagesGetResponse>;

export const ExamPackagesDatesListResponse = z.object({
  packageId: z.string(),
  earliest: z.string(),
  latest: z.string(),
  items: z.array(
    z.object({
      date: z.string(),
      capacity: z.number(),
      remaining: z.number(),
      closed: z.boolean(),
      bookable: z.boolean(),
    }),
  ),
});
export type ExamPackagesDatesListResponse = z.infer<typeof ExamPackagesDatesListResponse>;

/** Whether a patient lets the exam centre share their results, and under which consent version. */
export const ExamAuthorisationView = z.object({
  patientId: z.string(),
  authorised: z.boolean(),
  grantedAt: z.string().nullable(),
  consentVersion: z.string().nullable(),
  currentConsentVersion: z.string(),
});
export type ExamAuthorisationView = z.infer<typeof ExamAuthorisationView>;

export const ExamsAuthorisationListResponse = ExamAuthorisationView;
export type ExamsAuthorisationListResponse = z.infer<typeof ExamsAuthorisationListResponse>;

export const ExamsAuthorisationPutResponse = ExamAuthorisationView;
export type ExamsAuthorisationPutResponse = z.infer<typeof ExamsAuthorisationPutResponse>;

export const ExamsRecordsListResponse = z.object({ patientId: z.string(), items: z.array(ExamRecord) });
export type ExamsRecordsListResponse = z.infer<typeof ExamsRecordsListResponse>;

export const ExamBookingsPostResponse = ExamBookingView;
export type ExamBookingsPostResponse = z.infer<typeof ExamBookingsPostResponse>;

export const ExamBookingsListResponse = z.object({ items: z.array(ExamBookingSummary) });
export type ExamBookingsListResponse = z.infer<typeof ExamBookingsListResponse>;

export const ExamBookingsGetResponse = ExamBookingView;
export type ExamBookingsGetResponse = z.infer<typeof ExamBookingsGetResponse>;

export const ExamBookingsReschedulePostResponse = ExamBookingView;
export type ExamBookingsReschedulePostResponse = z.infer<typeof ExamBookingsReschedulePostResponse>;

export const ExamBookingsCancelPostResponse = ExamBookingView;
export type ExamBookingsCancelPostResponse = z.infer<typeof ExamBookingsCancelPostResponse>;

export const ExamBookingsReportListResponse = z.object({
  bookingId: z.string(),
  id: z.string(),
  reportNo: z.string(),
  title: z.string(),
  status: z.enum(REPORT_STATUSES),
  reportedAt: z.string().nullable(),
  conclusion: z.string().nullable(),
  sections: z.array(z.object({ name: z.string(), conclusion: z.string().nullable() })),
  observations: z.array(
    z.object({
      section: z.string().nullable(),
      code: z.string(),
      name: z.string(),
      value: z.union([z.string(), z.number()]).nullable(),
      unit: z.string().nullable(),
      refLow: z.number().nullable(),
      refHigh: z.number().nullable(),
      refText: z.string().nullable(),
      flag: z.enum(FLAGS).nullable(),
      interpretation: ExamInterpretation.nullable(),
    }),
  ),
});
export type ExamBookingsReportListResponse = z.infer<typeof ExamBookingsReportListResponse>;

export const AdminExamPackagesListResponse = z.object({ items: z.array(AdminExamPackageView) });
export type AdminExamPackagesListResponse = z.infer<typeof AdminExamPackagesListResponse>;

export const AdminExamPackagesPostResponse = AdminExamPackageView;
export type AdminExamPackagesPostResponse = z.infer<typeof AdminExamPackagesPostResponse>;

export const AdminExamPackagesGetResponse = AdminExamPackageView;
export type AdminExamPackagesGetResponse = z.infer<typeof AdminExamPackagesGetResponse>;

export const AdminExamPackagesPutResponse = AdminExamPackageView;
export type AdminExamPackagesPutResponse = z.infer<typeof AdminExamPackagesPutResponse>;

export const AdminExamPackagesCapacityListResponse = AdminExamPackageCapacityView;
export type AdminExamPackagesCapacityListResponse = z.infer<typeof AdminExamPackagesCapacityListResponse>;

export const AdminExamPackagesCapacityPutResponse = AdminExamPackageCapacityView;
export type AdminExamPackagesCapacityPutResponse = z.infer<typeof AdminExamPackagesCapacityPutResponse>;

export const AdminExamBookingsListResponse = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  items: z.array(AdminExamBookingView),
});
export type AdminExamBookingsListResponse = z.infer<typeof AdminExamBookingsListResponse>;

export const AdminExamBookingsCancelPostResponse = AdminExamBookingView;
export type AdminExamBookingsCancelPostResponse = z.infer<typeof AdminExamBookingsCancelPostResponse>;
