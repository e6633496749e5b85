/** Response schemas of the reports module's routes (derived from what the handlers return). */
import { z } from 'zod';

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

export const ReportsListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      reportNo: z.string(),
      kind: z.enum(['lab', 'exam', 'pathology', 'physical']),
      title: z.string(),
      department: z.string().nullable(),
      setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
      status: z.enum(['pending', 'partial', 'final']),
      orderedAt: z.string().nullable(),
      reportedAt: z.string().nullable(),
      hasImages: z.boolean(),
      patientNameMasked: z.string(),
    }),
  ),
});
export type ReportsListResponse = z.infer<typeof ReportsListResponse>;

export const ReportsGetResponse = z.object({
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
      flag: z.enum(['H', 'L', 'N', 'critical']).nullable(),
      interpretation: Interpretation.nullable(),
    }),
  ),
  id: z.string(),
  reportNo: z.string(),
  kind: z.enum(['lab', 'exam', 'pathology', 'physical']),
  title: z.string(),
  department: z.string().nullable(),
  setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
  status: z.enum(['pending', 'partial', 'final']),
  orderedAt: z.string().nullable(),
  reportedAt: z.string().nullable(),
  hasImages: z.boolean(),
  patientNameMasked: z.string(),
});
export type ReportsGetResponse = z.infer<typeof ReportsGetResponse>;

export const ReportsImagingLinkListResponse = z.object({ url: z.string(), expiresAt: z.string() });
export type ReportsImagingLinkListResponse = z.infer<typeof ReportsImagingLinkListResponse>;

export const ReportsImagingAuthorisationListResponse = z.object({
  patientId: z.string(),
  authorised: z.boolean(),
  grantedAt: z.string().nullable(),
});
export type ReportsImagingAuthorisationListResponse = z.infer<typeof ReportsImagingAuthorisationListResponse>;

export const ReportsImagingAuthorisationPutResponse = z.object({
  patientId: z.string(),
  authorised: z.boolean(),
  grantedAt: z.string().nullable(),
});
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
      kind: z.enum(['lab', 'exam', 'pathology', 'physical']),
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
        flag: z.enum(['H', 'L', 'N', 'critical']).nullable(),
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
      flag: z.enum(['H', 'L', 'N', 'critical']).nullable(),
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

export const ReportsExamAccessVerifyPostResponse = z.object({
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
      flag: z.enum(['H', 'L', 'N', 'critical']).nullable(),
      interpretation: Interpretation.nullable(),
    }),
  ),
  id: z.string(),
  reportNo: z.string(),
  kind: z.enum(['lab', 'exam', 'pathology', 'physical']),
  title: z.string(),
  department: z.string().nullable(),
  setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
  status: z.enum(['pending', 'partial', 'final']),
  orderedAt: z.string().nullable(),
  reportedAt: z.string().nullable(),
  hasImages: z.boolean(),
  patientNameMasked: z.string(),
});
export type ReportsExamAccessVerifyPostResponse = z.infer<typeof ReportsExamAccessVerifyPostResponse>;

export const AdminIndicatorsListResponse = z.object({
  items: z.array(
    z.object({
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
    }),
  ),
});
export type AdminIndicatorsListResponse = z.infer<typeof AdminIndicatorsListResponse>;

export const AdminIndicatorsPostResponse = z.object({
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
export type AdminIndicatorsPostResponse = z.infer<typeof AdminIndicatorsPostResponse>;

export const AdminIndicatorsPutResponse = z.object({
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
export type AdminIndicatorsPutResponse = z.infer<typeof AdminIndicatorsPutResponse>;

export const AdminReportsListResponse = z.object({
  items: z.array(
    z.object({
      patientId: z.string().nullable(),
      id: z.string(),
      reportNo: z.string(),
      kind: z.enum(['lab', 'exam', 'pathology', 'physical']),
      title: z.string(),
      department: z.string().nullable(),
      setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
      status: z.enum(['pending', 'partial', 'final']),
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
      flag: z.enum(['H', 'L', 'N', 'critical']).nullable(),
      interpretation: Interpretation.nullable(),
    }),
  ),
  id: z.string(),
  reportNo: z.string(),
  kind: z.enum(['lab', 'exam', 'pathology', 'physical']),
  title: z.string(),
  department: z.string().nullable(),
  setting: z.enum(['physical', 'outpatient', 'emergency', 'inpatient']),
  status: z.enum(['pending', 'partial', 'final']),
  orderedAt: z.string().nullable(),
  reportedAt: z.string().nullable(),
  hasImages: z.boolean(),
  patientNameMasked: z.string(),
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

export const HealthRecordProfilePutResponse = z.object({
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
export type HealthRecordProfilePutResponse = z.infer<typeof HealthRecordProfilePutResponse>;

export const AdminHealthRecordsGetResponse = z.object({
  basic: z.object({
    patientId: z.string(),
    name: z.string(),
    gender: z.enum(['male', 'female']),
    birthDate: z.string(),
    idNumberMasked: z.string(),
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
});
export type AdminHealthRecordsGetResponse = z.infer<typeof AdminHealthRecordsGetResponse>;

/** What the LIS or PACS is answered when it pushes a report (201 the first time, 200 on a repeat). */
export const IntegrationReportPushResponse = z.object({
  reportId: z.string(),
  reportNo: z.string(),
  status: z.enum(['pending', 'partial', 'final']),
  patientMatched: z.boolean(),
  notified: z.boolean(),
});
export type IntegrationReportPushResponse = z.infer<typeof IntegrationReportPushResponse>;
