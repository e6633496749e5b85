/** Response schemas of the pharmacy module's routes (derived from what the handlers return). */
import { z } from 'zod';

export const PrescriptionItem = z.object({
  drugCode: z.string(),
  name: z.string(),
  spec: z.string(),
  dosageForm: z.string().nullable(),
  quantity: z.number(),
  unit: z.string(),
  unitPriceFen: z.number(),
  amountFen: z.number(),
  dose: z.string().nullable(),
  frequency: z.string().nullable(),
  route: z.string().nullable(),
  days: z.number().nullable(),
  dualChannel: z.boolean(),
});
export type PrescriptionItem = z.infer<typeof PrescriptionItem>;

export const IntegrationV1PrescriptionsPostResponse = z.object({
  id: z.string(),
  hisRxNo: z.string(),
  state: z.enum([
    'pending_upload',
    'circulating',
    'dispatched',
    'at_hospital',
    'dispensed',
    'rejected',
    'upload_failed',
    'revoked',
    'expired',
  ]),
});
export type IntegrationV1PrescriptionsPostResponse = z.infer<typeof IntegrationV1PrescriptionsPostResponse>;

export const IntegrationV1PrescriptionsRevokePostResponse = z.object({
  id: z.string(),
  hisRxNo: z.string(),
  state: z.enum([
    'pending_upload',
    'circulating',
    'dispatched',
    'at_hospital',
    'dispensed',
    'rejected',
    'upload_failed',
    'revoked',
    'expired',
  ]),
});
export type IntegrationV1PrescriptionsRevokePostResponse = z.infer<
  typeof IntegrationV1PrescriptionsRevokePostResponse
>;

export const IntegrationV1PrescriptionsDispensedPostResponse = z.object({
  id: z.string(),
  hisRxNo: z.string(),
  state: z.enum([
    'pending_upload',
    'circulating',
    'dispatched',
    'at_hospital',
    'dispensed',
    'rejected',
    'upload_failed',
    'revoked',
    'expired',
  ]),
});
export type IntegrationV1PrescriptionsDispensedPostResponse = z.infer<
  typeof IntegrationV1PrescriptionsDispensedPostResponse
>;

export const PrescriptionsListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      patientId: z.string(),
      patientName: z.string(),
      hisRxNo: z.string(),
      kind: z.enum(['ordinary', 'special_disease']),
      specialDisease: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
      doctorName: z.string(),
      departmentName: z.string(),
      issuedAt: z.string(),
      validUntil: z.string(),
      state: z.enum([
        'pending_upload',
        'circulating',
        'dispatched',
        'at_hospital',
        'dispensed',
        'rejected',
        'upload_failed',
        'revoked',
        'expired',
      ]),
      itemCount: z.number(),
      totalFen: z.number(),
      dualChannel: z.boolean(),
      pharmacy: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
    }),
  ),
});
export type PrescriptionsListResponse = z.infer<typeof PrescriptionsListResponse>;

export const PrescriptionsGetResponse = z.object({
  diagnoses: z.array(z.object({ code: z.string(), name: z.string() })),
  items: z.array(PrescriptionItem),
  hiRxNo: z.string().nullable(),
  traceCode: z.string().nullable(),
  fillWhere: z.enum(['retail', 'hospital']).nullable(),
  pickupCode: z.string().nullable(),
  pharmacy: z
    .object({
      code: z.string(),
      name: z.string().nullable(),
      address: z.string().nullable(),
      phone: z.string().nullable(),
      dualChannel: z.boolean().nullable(),
    })
    .nullable(),
  dispensed: z
    .object({
      at: z.string(),
      pharmacyName: z.string().nullable(),
      settlementNo: z.string().nullable(),
      totalFen: z.number().nullable(),
      fundFen: z.number().nullable(),
      accountFen: z.number().nullable(),
      cashFen: z.number().nullable(),
    })
    .nullable(),
  rejectReason: z.string().nullable(),
  revokeReason: z.string().nullable(),
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  hisRxNo: z.string(),
  kind: z.enum(['ordinary', 'special_disease']),
  specialDisease: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  doctorName: z.string(),
  departmentName: z.string(),
  issuedAt: z.string(),
  validUntil: z.string(),
  state: z.enum([
    'pending_upload',
    'circulating',
    'dispatched',
    'at_hospital',
    'dispensed',
    'rejected',
    'upload_failed',
    'revoked',
    'expired',
  ]),
  itemCount: z.number(),
  totalFen: z.number(),
  dualChannel: z.boolean(),
});
export type PrescriptionsGetResponse = z.infer<typeof PrescriptionsGetResponse>;

export const PrescriptionsPharmaciesListResponse = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      address: z.string(),
      phone: z.string(),
      dualChannel: z.boolean(),
      specialDisease: z.boolean(),
      inStock: z.boolean(),
      distanceKm: z.number().nullable(),
    }),
  ),
});
export type PrescriptionsPharmaciesListResponse = z.infer<typeof PrescriptionsPharmaciesListResponse>;

export const PrescriptionsFillPostResponse = z.object({
  diagnoses: z.array(z.object({ code: z.string(), name: z.string() })),
  items: z.array(PrescriptionItem),
  hiRxNo: z.string().nullable(),
  traceCode: z.string().nullable(),
  fillWhere: z.enum(['retail', 'hospital']).nullable(),
  pickupCode: z.string().nullable(),
  pharmacy: z
    .object({
      code: z.string(),
      name: z.string().nullable(),
      address: z.string().nullable(),
      phone: z.string().nullable(),
      dualChannel: z.boolean().nullable(),
    })
    .nullable(),
  dispensed: z
    .object({
      at: z.string(),
      pharmacyName: z.string().nullable(),
      settlementNo: z.string().nullable(),
      totalFen: z.number().nullable(),
      fundFen: z.number().nullable(),
      accountFen: z.number().nullable(),
      cashFen: z.number().nullable(),
    })
    .nullable(),
  rejectReason: z.string().nullable(),
  revokeReason: z.string().nullable(),
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  hisRxNo: z.string(),
  kind: z.enum(['ordinary', 'special_disease']),
  specialDisease: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  doctorName: z.string(),
  departmentName: z.string(),
  issuedAt: z.string(),
  validUntil: z.string(),
  state: z.enum([
    'pending_upload',
    'circulating',
    'dispatched',
    'at_hospital',
    'dispensed',
    'rejected',
    'upload_failed',
    'revoked',
    'expired',
  ]),
  itemCount: z.number(),
  totalFen: z.number(),
  dualChannel: z.boolean(),
});
export type PrescriptionsFillPostResponse = z.infer<typeof PrescriptionsFillPostResponse>;

export const StaffPrescriptionsListResponse = z.object({
  items: z.array(
    z.object({
      hiRxNo: z.string().nullable(),
      visitNo: z.string().nullable(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      id: z.string(),
      patientId: z.string(),
      patientName: z.string(),
      hisRxNo: z.string(),
      kind: z.enum(['ordinary', 'special_disease']),
      specialDisease: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
      doctorName: z.string(),
      departmentName: z.string(),
      issuedAt: z.string(),
      validUntil: z.string(),
      state: z.enum([
        'pending_upload',
        'circulating',
        'dispatched',
        'at_hospital',
        'dispensed',
        'rejected',
        'upload_failed',
        'revoked',
        'expired',
      ]),
      itemCount: z.number(),
      totalFen: z.number(),
      dualChannel: z.boolean(),
      pharmacy: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type StaffPrescriptionsListResponse = z.infer<typeof StaffPrescriptionsListResponse>;

export const StaffPrescriptionsGetResponse = z.object({
  visitNo: z.string().nullable(),
  doctorCode: z.string(),
  insuranceDoctorCode: z.string(),
  reviewedBy: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  rejectCode: z.string().nullable(),
  history: z.array(
    z.object({
      at: z.string(),
      kind: z.string(),
      actor: z.string(),
      detail: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  diagnoses: z.array(z.object({ code: z.string(), name: z.string() })),
  items: z.array(PrescriptionItem),
  hiRxNo: z.string().nullable(),
  traceCode: z.string().nullable(),
  fillWhere: z.enum(['retail', 'hospital']).nullable(),
  pickupCode: z.string().nullable(),
  pharmacy: z
    .object({
      code: z.string(),
      name: z.string().nullable(),
      address: z.string().nullable(),
      phone: z.string().nullable(),
      dualChannel: z.boolean().nullable(),
    })
    .nullable(),
  dispensed: z
    .object({
      at: z.string(),
      pharmacyName: z.string().nullable(),
      settlementNo: z.string().nullable(),
      totalFen: z.number().nullable(),
      fundFen: z.number().nullable(),
      accountFen: z.number().nullable(),
      cashFen: z.number().nullable(),
    })
    .nullable(),
  rejectReason: z.string().nullable(),
  revokeReason: z.string().nullable(),
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  hisRxNo: z.string(),
  kind: z.enum(['ordinary', 'special_disease']),
  specialDisease: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  doctorName: z.string(),
  departmentName: z.string(),
  issuedAt: z.string(),
  validUntil: z.string(),
  state: z.enum([
    'pending_upload',
    'circulating',
    'dispatched',
    'at_hospital',
    'dispensed',
    'rejected',
    'upload_failed',
    'revoked',
    'expired',
  ]),
  itemCount: z.number(),
  totalFen: z.number(),
  dualChannel: z.boolean(),
});
export type StaffPrescriptionsGetResponse = z.infer<typeof StaffPrescriptionsGetResponse>;

export const StaffPrescriptionsRetryUploadPostResponse = z.object({
  visitNo: z.string().nullable(),
  doctorCode: z.string(),
  insuranceDoctorCode: z.string(),
  reviewedBy: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  rejectCode: z.string().nullable(),
  history: z.array(
    z.object({
      at: z.string(),
      kind: z.string(),
      actor: z.string(),
      detail: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  diagnoses: z.array(z.object({ code: z.string(), name: z.string() })),
  items: z.array(PrescriptionItem),
  hiRxNo: z.string().nullable(),
  traceCode: z.string().nullable(),
  fillWhere: z.enum(['retail', 'hospital']).nullable(),
  pickupCode: z.string().nullable(),
  pharmacy: z
    .object({
      code: z.string(),
      name: z.string().nullable(),
      address: z.string().nullable(),
      phone: z.string().nullable(),
      dualChannel: z.boolean().nullable(),
    })
    .nullable(),
  dispensed: z
    .object({
      at: z.string(),
      pharmacyName: z.string().nullable(),
      settlementNo: z.string().nullable(),
      totalFen: z.number().nullable(),
      fundFen: z.number().nullable(),
      accountFen: z.number().nullable(),
      cashFen: z.number().nullable(),
    })
    .nullable(),
  rejectReason: z.string().nullable(),
  revokeReason: z.string().nullable(),
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  hisRxNo: z.string(),
  kind: z.enum(['ordinary', 'special_disease']),
  specialDisease: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  doctorName: z.string(),
  departmentName: z.string(),
  issuedAt: z.string(),
  validUntil: z.string(),
  state: z.enum([
    'pending_upload',
    'circulating',
    'dispatched',
    'at_hospital',
    'dispensed',
    'rejected',
    'upload_failed',
    'revoked',
    'expired',
  ]),
  itemCount: z.number(),
  totalFen: z.number(),
  dualChannel: z.boolean(),
});
export type StaffPrescriptionsRetryUploadPostResponse = z.infer<
  typeof StaffPrescriptionsRetryUploadPostResponse
>;

export const SandboxPrescriptionsDispensePostResponse = z.union([
  z.literal('prescriptions.poll-dispensing'),
  z.object({
    at: z.string(),
    pharmacyCode: z.string(),
    pharmacyName: z.string(),
    settlementNo: z.string(),
    totalFen: z.number(),
    fundFen: z.number(),
    accountFen: z.number(),
    cashFen: z.number(),
    hiRxNo: z.string(),
  }),
]);
export type SandboxPrescriptionsDispensePostResponse = z.infer<
  typeof SandboxPrescriptionsDispensePostResponse
>;

export const SandboxPrescriptionsCentrePutResponse = z.object({
  failing: z.boolean(),
  rejectNext: z.string().nullable(),
});
export type SandboxPrescriptionsCentrePutResponse = z.infer<typeof SandboxPrescriptionsCentrePutResponse>;

export const SandboxPrescriptionsSpecialDiseaseFilingsPostResponse = z.object({
  patientId: z.string(),
  diseaseCode: z.string(),
  filed: z.boolean(),
});
export type SandboxPrescriptionsSpecialDiseaseFilingsPostResponse = z.infer<
  typeof SandboxPrescriptionsSpecialDiseaseFilingsPostResponse
>;
