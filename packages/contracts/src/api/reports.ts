/** Response schemas of the reports module's routes (derived from what the handlers return). */
import { z } from 'zod';
import type { ReportKind, ReportSetting, ReportStatus, ResultFlag } from '../labels.js';
import { externalNo, paging, text } from './common.js';

/** The kinds, states, settings and result flags a report carries, as lists (a zod enum is built from them). */
export const REPORT_KINDS = ['lab', 'exam', 'pathology', 'physical'] as const satisfies readonly ReportKind[];
export const REPORT_STATUSES = ['pending', 'partial', 'final'] as const satisfies readonly ReportStatus[];
export const REPORT_SETTINGS = [
  'outpatient',
  'emergency',
  'inpatient',
  'physical',
] as const satisfies readonly ReportSetting[];
export const FLAGS = ['H', 'L', 'N', 'critical'] as const satisfies readonly ResultFlag[];

export const Interpretation = z.object({
  code: z.string(),
  name: z.string(),
  meaning: z.string(),
  explanation: z.string().nullable(),
  advice: z.string().nullable(),
});
export type Interpretation = z.infer<typeof Interpretation>;

export const HealthRecordOperation = z.object({
  code: z.string().optional(),
  name: z.string(),
  performedAt: z.string().optional(),
});
export type HealthRecordOperation = z.infer<typeof HealthRecordOperation>;

/** One report as lists show it. */
export const ReportSummary = z.object({
  id: z.string(),
  reportNo: z.string(),
  kind: z.enum(REPORT_KINDS),
  title: z.string(),
  department: z.string().nullable(),
  setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
  status: z.enum(REPORT_STATUSES),
  orderedAt: z.string().nullable(),
  reportedAt: z.string().nullable(),
  hasImages: z.boolean(),
  patientNameMasked: z.string(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export const ReportsListResponse = z.object({
  items: z.array(ReportSummary),
});
export type ReportsListResponse = z.infer<typeof ReportsListResponse>;

/** One report with its sections and observations (detail, exam access code). */
export const ReportView = z.object({
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
      interpretation: Interpretation.nullable(),
    }),
  ),
  ...ReportSummary.shape,
});
export type ReportView = z.infer<typeof ReportView>;

export const ReportsGetResponse = ReportView;
export type ReportsGetResponse = z.infer<typeof ReportsGetResponse>;

export const ReportsImagingLinkListResponse = z.object({ url: z.string(), expiresAt: z.string() });
export type ReportsImagingLinkListResponse = z.infer<typeof ReportsImagingLinkListResponse>;

/** Whether a patient lets the hospital share their imaging. */
export const ImagingAuthorisationView = z.object({
  patientId: z.string(),
  authorised: z.boolean(),
  grantedAt: z.string().nullable(),
});
export type ImagingAuthorisationView = z.infer<typeof ImagingAuthorisationView>;

export const ReportsImagingAuthorisationListResponse = ImagingAuthorisationView;
export type ReportsImagingAuthorisationListResponse = z.infer<typeof ReportsImagingAuthorisationListResponse>;

export const ReportsImagingAuthorisationPutResponse = ImagingAuthorisationView;
export type ReportsImagingAuthorisationPutResponse = z.infer<typeof ReportsImagingAuthorisationPutResponse>;

export const HealthRecordListResponse = z.object({
  patient: z.object({
    id: z.string(),
    name: z.string(),
    gender: z.enum(['male', 'female']),
    birthDate: z.string(),
    relation: z.enum(['self', 'spouse', 'parent', 'child', 'other']),
  }),
  reportCounts: z.array(
    z.object({
      kind: z.enum(REPORT_KINDS),
      setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
      n: z.number(),
    }),
  ),
  indicators: z.array(
    z.object({
      firstAt: z.string(),
      latest: z.object({
        at: z.string(),
        value: z.number(),
        flag: z.enum(FLAGS).nullable(),
        refLow: z.number().nullable(),
        refHigh: z.number().nullable(),
        reportId: z.string(),
      }),
      code: z.string(),
      name: z.string(),
      category: z.string().nullable(),
      unit: z.string().nullable(),
      count: z.number(),
    }),
  ),
});
export type HealthRecordListResponse = z.infer<typeof HealthRecordListResponse>;

export const HealthRecordTrendListResponse = z.object({
  points: z.array(
    z.object({
      at: z.string(),
      value: z.number(),
      flag: z.enum(FLAGS).nullable(),
      refLow: z.number().nullable(),
      refHigh: z.number().nullable(),
      reportId: z.string(),
    }),
  ),
  code: z.string(),
  name: z.string(),
  unit: z.string().nullable(),
  refLow: z.number().nullable(),
  refHigh: z.number().nullable(),
});
export type HealthRecordTrendListResponse = z.infer<typeof HealthRecordTrendListResponse>;

export const ReportsExamAccessPostResponse = z.object({
  sandboxCode: z.string().optional(),
  phoneMasked: z.string(),
  expiresInSeconds: z.number(),
  resendAfterSeconds: z.number(),
});
export type ReportsExamAccessPostResponse = z.infer<typeof ReportsExamAccessPostResponse>;

export const ReportsExamAccessVerifyPostResponse = ReportView;
export type ReportsExamAccessVerifyPostResponse = z.infer<typeof ReportsExamAccessVerifyPostResponse>;

/** One indicator as the console lists and edits it. */
export const AdminIndicatorView = z.object({
  code: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  category: z.string(),
  unit: z.string().nullable(),
  meaning: z.string(),
  highMeaning: z.string().nullable(),
  lowMeaning: z.string().nullable(),
  advice: z.string().nullable(),
  updatedAt: z.string(),
});
export type AdminIndicatorView = z.infer<typeof AdminIndicatorView>;

export const AdminIndicatorsListResponse = z.object({
  items: z.array(AdminIndicatorView),
});
export type AdminIndicatorsListResponse = z.infer<typeof AdminIndicatorsListResponse>;

export const AdminIndicatorsPostResponse = AdminIndicatorView;
export type AdminIndicatorsPostResponse = z.infer<typeof AdminIndicatorsPostResponse>;

export const AdminIndicatorsPutResponse = AdminIndicatorView;
export type AdminIndicatorsPutResponse = z.infer<typeof AdminIndicatorsPutResponse>;

export const AdminReportsListResponse = z.object({
  items: z.array(
    z.object({
      patientId: z.string().nullable(),
      id: z.string(),
      reportNo: z.string(),
      kind: z.enum(REPORT_KINDS),
      title: z.string(),
      department: z.string().nullable(),
      setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
      status: z.enum(REPORT_STATUSES),
      orderedAt: z.string().nullable(),
      reportedAt: z.string().nullable(),
      hasImages: z.boolean(),
      patientNameMasked: z.string(),
    }),
  ),
  total: z.number(),
});
export type AdminReportsListResponse = z.infer<typeof AdminReportsListResponse>;

export const AdminReportsGetResponse = z.object({
  patientId: z.string().nullable(),
  ...ReportView.shape,
});
export type AdminReportsGetResponse = z.infer<typeof AdminReportsGetResponse>;

export const HealthRecordProfileListResponse = z.object({
  basic: z.object({
    patientId: z.string(),
    name: z.string(),
    gender: z.enum(['male', 'female']),
    birthDate: z.string(),
    idNumberMasked: z.string(),
    phoneMasked: z.string(),
    visitCardNo: z.string().nullable(),
  }),
  profile: z.object({
    bloodType: z.string().nullable(),
    heightCm: z.number().nullable(),
    weightKg: z.number().nullable(),
    bmi: z.number().nullable(),
    allergies: z.array(z.string()),
    chronicConditions: z.array(z.string()),
    medications: z.array(z.string()),
    familyHistory: z.array(z.object({ relation: z.string(), condition: z.string() })),
    smoking: z.string().nullable(),
    drinking: z.string().nullable(),
    exercise: z.string().nullable(),
    diet: z.string().nullable(),
    version: z.number(),
    updatedAt: z.string().nullable(),
  }),
  visitRecords: z.object({
    outpatient: z.array(
      z.object({
        id: z.string(),
        visitNo: z.string(),
        visitDate: z.string(),
        departmentName: z.string().nullable(),
        doctorName: z.string().nullable(),
      }),
    ),
    inpatient: z.array(
      z.object({
        id: z.string(),
        admissionNo: z.string(),
        patientName: z.string(),
        ward: z.string(),
        bed: z.string().nullable(),
        attendingDoctor: z.string().nullable(),
        diagnoses: z.array(z.object({ code: z.string().optional(), name: z.string() })),
        operations: z.array(HealthRecordOperation),
        admittedAt: z.string(),
        dischargedAt: z.string().nullable(),
        state: z.enum(['admitted', 'discharged']),
        settlementState: z.enum(['open', 'refunded', 'none', 'settled', 'refunding']),
        depositsFen: z.number(),
        chargesFen: z.number(),
        totalCostFen: z.number().nullable(),
        balanceFen: z.number(),
      }),
    ),
  }),
});
export type HealthRecordProfileListResponse = z.infer<typeof HealthRecordProfileListResponse>;

/** A patient's health-record profile. */
export const HealthRecordProfile = z.object({
  bloodType: z.string().nullable(),
  heightCm: z.number().nullable(),
  weightKg: z.number().nullable(),
  bmi: z.number().nullable(),
  allergies: z.array(z.string()),
  chronicConditions: z.array(z.string()),
  medications: z.array(z.string()),
  familyHistory: z.array(z.object({ relation: z.string(), condition: z.string() })),
  smoking: z.string().nullable(),
  drinking: z.string().nullable(),
  exercise: z.string().nullable(),
  diet: z.string().nullable(),
  version: z.number(),
  updatedAt: z.string().nullable(),
});
export type HealthRecordProfile = z.infer<typeof HealthRecordProfile>;

export const HealthRecordProfilePutResponse = HealthRecordProfile;
export type HealthRecordProfilePutResponse = z.infer<typeof HealthRecordProfilePutResponse>;

export const AdminHealthRecordsGetResponse = z.object({
  basic: z.object({
    patientId: z.string(),
    name: z.string(),
    gender: z.enum(['male', 'female']),
    birthDate: z.string(),
    idNumberMasked: z.string(),
  }),
  profile: HealthRecordProfile,
});
export type AdminHealthRecordsGetResponse = z.infer<typeof AdminHealthRecordsGetResponse>;

/** What the LIS or PACS is answered when it pushes a report (201 the first time, 200 on a repeat). */
export const IntegrationReportPushResponse = z.object({
  reportId: z.string(),
  reportNo: z.string(),
  status: z.enum(REPORT_STATUSES),
  patientMatched: z.boolean(),
  notified: z.boolean(),
});
export type IntegrationReportPushResponse = z.infer<typeof IntegrationReportPushResponse>;

// ------------------------------------------------------------ request schemas

const uuid = z.string().uuid();

const reportNo = externalNo;

const indicatorCode = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9%+\-]{0,31}$/, 'a letter, then letters, digits and % + -');

const finite = z.number().finite();

export const ReportsObservationIn = z
  .object({
    code: indicatorCode,
    name: text(100),
    value: z.union([finite, text(200)]),
    unit: text(32).optional(),
    refLow: finite.optional(),
    refHigh: finite.optional(),
    refText: text(100).optional(),
    flag: z.enum(FLAGS).optional(),
    section: text(50).optional(),
  })
  .strict()
  .refine((o) => o.refLow === undefined || o.refHigh === undefined || o.refLow <= o.refHigh, {
    message: 'refLow must not exceed refHigh',
  });

export const ReportsIntegrationPushBody = z
  .object({
    reportNo,
    kind: z.enum(REPORT_KINDS),
    patient: z
      .object({
        name: text(50),
        visitCardNo: z
          .string()
          .regex(/^[A-Za-z0-9]{4,64}$/)
          .optional(),
        idNumber: z
          .string()
          .trim()
          .regex(/^[0-9A-Za-z]{8,20}$/)
          .optional(),
      })
      .strict()
      .refine((p) => p.visitCardNo || p.idNumber, { message: 'visitCardNo or idNumber is required' }),
    title: text(100),
    department: text(100).optional(),
    setting: z.enum(REPORT_SETTINGS).optional(),
    orderedAt: z.string().datetime({ offset: true }).optional(),
    reportedAt: z.string().datetime({ offset: true }).optional(),
    status: z.enum(REPORT_STATUSES),
    conclusion: text(5000).optional(),
    imageStudyUid: z
      .string()
      .regex(/^[0-9A-Za-z.\-]{1,128}$/)
      .optional(),
    observations: z.array(ReportsObservationIn).max(300).default([]),
    sections: z
      .array(z.object({ name: text(50), conclusion: text(5000).optional() }).strict())
      .max(50)
      .optional(),
  })
  .strict();

export const ReportsAdminIndicatorBody = z
  .object({
    name: text(100),
    aliases: z.array(text(50)).max(20).default([]),
    category: text(50),
    unit: text(32).nullable().default(null),
    meaning: text(1000),
    highMeaning: text(1000).nullable().default(null),
    lowMeaning: text(1000).nullable().default(null),
    advice: text(1000).nullable().default(null),
  })
  .strict();

/** GET /v1/reports: query. */
export const ReportsQuery = z.object({ patientId: uuid, kind: z.enum(REPORT_KINDS).optional() }).strict();

/** GET /v1/reports/:id: params. */
export const ReportsParams = z.object({ id: uuid });

/** GET /v1/reports/:id/imaging-link: params. */
export const ReportsImagingLinkParams = z.object({ id: uuid });

/** GET /v1/reports/imaging-authorisation: query. */
export const ReportsImagingAuthorisationQuery = z.object({ patientId: uuid }).strict();

/** PUT /v1/reports/imaging-authorisation: body. */
export const ReportsImagingAuthorisationPutBody = z
  .object({ patientId: uuid, authorised: z.boolean() })
  .strict();

/** GET /v1/health-record: query. */
export const ReportsHealthRecordQuery = z.object({ patientId: uuid }).strict();

/** GET /v1/health-record/trend: query. */
export const ReportsHealthRecordTrendQuery = z.object({ patientId: uuid, code: indicatorCode }).strict();

/** POST /v1/reports/exam-access: body. */
export const ReportsExamAccessPostBody = z.object({ reportNo, name: text(50) }).strict();

/** POST /v1/reports/exam-access/verify: body. */
export const ReportsExamAccessVerifyPostBody = z
  .object({ reportNo, code: z.string().regex(/^\d{6}$/, '6 digits') })
  .strict();

/** GET /v1/admin/indicators: query. */
export const ReportsAdminIndicatorsQuery = z.object({ q: text(50).optional() }).strict();

/** POST /v1/admin/indicators: body. */
export const ReportsAdminIndicatorsPostBody = ReportsAdminIndicatorBody.extend({
  code: indicatorCode,
}).strict();

/** PUT /v1/admin/indicators/:code: params. */
export const ReportsAdminIndicatorsPutParams = z.object({ code: indicatorCode });

/** GET /v1/admin/reports: query. */
export const ReportsAdminReportsQuery = z
  .object({
    reportNo: reportNo.optional(),
    kind: z.enum(REPORT_KINDS).optional(),
    status: z.enum(REPORT_STATUSES).optional(),
    patientId: uuid.optional(),
    ...paging(),
  })
  .strict();

/** GET /v1/admin/reports/:id: params. */
export const ReportsAdminReportsParams = z.object({ id: uuid });

/** GET /v1/health-record/profile: query. */
export const ReportsHealthRecordProfileQuery = z.object({ patientId: uuid }).strict();

/** PUT /v1/health-record/profile: query. */
export const ReportsHealthRecordProfilePutQuery = z.object({ patientId: uuid }).strict();

/** GET /v1/admin/health-records/:patientId: params. */
export const ReportsAdminHealthRecordsParams = z.object({ patientId: uuid });

const shortText = z.string().trim().min(1).max(50);

export const ReportsHealthProfileBody = z
  .object({
    bloodType: z.enum(['A', 'B', 'AB', 'O', 'unknown']).nullable().optional(),
    heightCm: z.number().int().min(30).max(250).nullable().optional(),
    weightKg: z.number().min(1).max(400).nullable().optional(),
    allergies: z.array(shortText).max(30).optional(),
    chronicConditions: z.array(shortText).max(30).optional(),
    medications: z.array(shortText).max(30).optional(),
    familyHistory: z
      .array(
        z
          .object({
            relation: z.enum(['father', 'mother', 'sibling', 'child', 'grandparent', 'other']),
            condition: shortText,
          })
          .strict(),
      )
      .max(30)
      .optional(),
    smoking: z.enum(['never', 'former', 'current']).nullable().optional(),
    drinking: z.enum(['never', 'occasional', 'regular']).nullable().optional(),
    exercise: z.enum(['rarely', 'weekly', 'daily']).nullable().optional(),
    diet: z.string().trim().max(500).nullable().optional(),
    /** the version the patient edited (optimistic concurrency: two phones editing at once) */
    version: z.number().int().min(0),
  })
  .strict();
