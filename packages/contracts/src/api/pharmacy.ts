/** Response schemas of the pharmacy module's routes (derived from what the handlers return). */
import { z } from 'zod';
import type { PrescriptionState } from '../labels.js';

/** A prescription's states, as a list (a zod enum is built from it). */
export const PRESCRIPTION_STATES = [
  'pending_upload',
  'circulating',
  'dispatched',
  'at_hospital',
  'dispensed',
  'rejected',
  'upload_failed',
  'revoked',
  'expired',
] as const satisfies readonly PrescriptionState[];

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

/** What the hospital system is answered about a prescription it pushed, revoked or marked dispensed. */
export const IntegrationPrescriptionReceipt = z.object({
  id: z.string(),
  hisRxNo: z.string(),
  state: z.enum(PRESCRIPTION_STATES),
});
export type IntegrationPrescriptionReceipt = z.infer<typeof IntegrationPrescriptionReceipt>;

export const IntegrationV1PrescriptionsPostResponse = IntegrationPrescriptionReceipt;
export type IntegrationV1PrescriptionsPostResponse = z.infer<typeof IntegrationV1PrescriptionsPostResponse>;

export const IntegrationV1PrescriptionsRevokePostResponse = IntegrationPrescriptionReceipt;
export type IntegrationV1PrescriptionsRevokePostResponse = z.infer<
  typeof IntegrationV1PrescriptionsRevokePostResponse
>;

export const IntegrationV1PrescriptionsDispensedPostResponse = IntegrationPrescriptionReceipt;
export type IntegrationV1PrescriptionsDispensedPostResponse = z.infer<
  typeof IntegrationV1PrescriptionsDispensedPostResponse
>;

/** One prescription as lists show it. */
export const PrescriptionSummary = z.object({
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
  state: z.enum(PRESCRIPTION_STATES),
  itemCount: z.number(),
  totalFen: z.number(),
  dualChannel: z.boolean(),
  pharmacy: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
});
export type PrescriptionSummary = z.infer<typeof PrescriptionSummary>;

export const PrescriptionsListResponse = z.object({
  items: z.array(PrescriptionSummary),
});
export type PrescriptionsListResponse = z.infer<typeof PrescriptionsListResponse>;

/** One prescription as its patient sees it (detail, fill). */
export const PrescriptionView = z.object({
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
  ...PrescriptionSummary.omit({ pharmacy: true }).shape,
});
export type PrescriptionView = z.infer<typeof PrescriptionView>;

export const PrescriptionsGetResponse = PrescriptionView;
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

export const PrescriptionsFillPostResponse = PrescriptionView;
export type PrescriptionsFillPostResponse = z.infer<typeof PrescriptionsFillPostResponse>;

export const StaffPrescriptionsListResponse = z.object({
  items: z.array(
    z.object({
      hiRxNo: z.string().nullable(),
      visitNo: z.string().nullable(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      ...PrescriptionSummary.shape,
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type StaffPrescriptionsListResponse = z.infer<typeof StaffPrescriptionsListResponse>;

/** One prescription as staff see it (detail, retry upload). */
export const StaffPrescriptionView = z.object({
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
  ...PrescriptionView.shape,
});
export type StaffPrescriptionView = z.infer<typeof StaffPrescriptionView>;

export const StaffPrescriptionsGetResponse = StaffPrescriptionView;
export type StaffPrescriptionsGetResponse = z.infer<typeof StaffPrescriptionsGetResponse>;

export const StaffPrescriptionsRetryUploadPostResponse = StaffPrescriptionView;
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

// ------------------------------------------------------------ request schemas

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !v.includes('\u0000'), 'NUL characters are not allowed');

const code = z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits and _ . : -');

const id = z.string().uuid();

const fen = z.number().int().min(0).max(100_000_000);

const codeName = z.object({ code, name: text(100) }).strict();

export const PharmacyIntegrationPushBody = z
  .object({
    hisRxNo: code,
    visitNo: code.optional(),
    visitCardNo: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{4,32}$/),
    patientName: text(50),
    doctor: z.object({ code, name: text(50), insuranceDoctorCode: code }).strict(),
    department: z.object({ code, name: text(50) }).strict(),
    issuedAt: z.iso.datetime({ offset: true }),
    validDays: z.number().int().min(1).max(7).default(3),
    kind: z.enum(['ordinary', 'special_disease']),
    specialDisease: codeName.optional(),
    diagnoses: z.array(codeName).min(1).max(20),
    items: z
      .array(
        z
          .object({
            drugCode: code,
            name: text(100),
            spec: text(100),
            dosageForm: text(30).optional(),
            quantity: z.number().int().min(1).max(10_000),
            unit: text(16),
            unitPriceFen: fen,
            dose: text(50).optional(),
            frequency: text(50).optional(),
            route: text(30).optional(),
            days: z.number().int().min(1).max(365).optional(),
            dualChannel: z.boolean(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    reviewedBy: text(50).optional(),
  })
  .strict()
  .superRefine((b, c) => {
    if ((b.kind === 'special_disease') !== !!b.specialDisease)
      c.addIssue({
        code: 'custom',
        path: ['specialDisease'],
        message: 'specialDisease is required for special_disease prescriptions and only for them',
      });
    if (b.items.reduce((s, i) => s + i.quantity * i.unitPriceFen, 0) > 100_000_000)
      c.addIssue({ code: 'custom', path: ['items'], message: 'total above 1,000,000.00 yuan' });
  });

export const PharmacyRxNoParams = z.object({ hisRxNo: code }).strict();

export const PharmacyIdParams = z.object({ id }).strict();

const stateEnum = z.enum(PRESCRIPTION_STATES);

const Settlement = z.object({ totalFen: fen, fundFen: fen, accountFen: fen, cashFen: fen }).strict();

export const PharmacyAdminPrescriptionsQuery = z
  .object({
    state: stateEnum.optional(),
    kind: z.enum(['ordinary', 'special_disease']).optional(),
    dualChannel: z.enum(['true', 'false']).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** HIS prescription number, 医保处方编号 or visit number, exact */
    q: code.optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();

/** POST /integration/v1/prescriptions/:hisRxNo/revoke: body. */
export const PharmacyIntegrationPrescriptionsRevokePostBody = z.object({ reason: text(200) }).strict();

/** POST /integration/v1/prescriptions/:hisRxNo/dispensed: body. */
export const PharmacyIntegrationPrescriptionsDispensedPostBody = z
  .object({ settlement: Settlement.optional() })
  .strict()
  .default({});

/** GET /v1/prescriptions: query. */
export const PharmacyPrescriptionsQuery = z.object({ patientId: id, state: stateEnum.optional() }).strict();

/** POST /v1/prescriptions/:id/fill: body. */
export const PharmacyPrescriptionsFillPostBody = z
  .object({ where: z.enum(['retail', 'hospital']), pharmacyCode: code.optional() })
  .strict();

/** POST /v1/sandbox/prescriptions/dispense: body. */
export const PharmacySandboxPrescriptionsDispensePostBody = z
  .object({ hiRxNo: code, pharmacyCode: code.optional() })
  .strict();

/** PUT /v1/sandbox/prescriptions/centre: body. */
export const PharmacySandboxPrescriptionsCentrePutBody = z
  .object({ failing: z.boolean().optional(), rejectNext: text(200).nullish() })
  .strict();

/** POST /v1/sandbox/prescriptions/special-disease-filings: body. */
export const PharmacySandboxPrescriptionsSpecialDiseaseFilingsPostBody = z
  .object({ patientId: id, diseaseCode: code, diseaseName: text(100).optional() })
  .strict();
