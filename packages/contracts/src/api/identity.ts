/** Response schemas of the identity module's routes (derived from what the handlers return). */
import { z } from 'zod';

export const AccountView = z.object({
  id: z.string(),
  phoneMasked: z.string().nullable(),
  hasPassword: z.boolean(),
  linkedProviders: z.array(z.enum(['wechat', 'alipay'])),
  createdAt: z.string(),
});
export type AccountView = z.infer<typeof AccountView>;

export const PatientView = z.object({
  id: z.string(),
  name: z.string(),
  relation: z.enum(['self', 'spouse', 'parent', 'child', 'other']),
  idType: z.enum(['resident_id', 'hk_macao_tw_residence', 'foreign_permanent_residence']),
  idNumberMasked: z.string(),
  phoneMasked: z.string(),
  gender: z.enum(['male', 'female']),
  birthDate: z.string(),
  age: z.number(),
  isDefault: z.boolean(),
  verified: z.boolean(),
  consent: z.enum(['not_required', 'pending', 'granted']),
  recordsAccess: z.enum(['open', 'unverified', 'consent_pending', 'guardian_pending']),
  visitCardNo: z.string().nullable(),
  healthCardNo: z.string().nullable(),
  createdAt: z.string(),
});
export type PatientView = z.infer<typeof PatientView>;

export const RecordSharingView = z.object({
  id: z.string(),
  relation: z.enum(['self', 'spouse', 'parent', 'child', 'other']),
  accountPhoneMasked: z.string().nullable(),
  consent: z.enum(['not_required', 'pending', 'granted']),
  consentAt: z.string().nullable(),
  boundAt: z.string(),
});
export type RecordSharingView = z.infer<typeof RecordSharingView>;

export const AuthSmsCodesPostResponse = z.object({
  resendAfterSeconds: z.number(),
  expiresInSeconds: z.number(),
  sandboxCode: z.string().optional(),
});
export type AuthSmsCodesPostResponse = z.infer<typeof AuthSmsCodesPostResponse>;

/** What a successful login answers. */
export const LoginResult = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  tokenType: z.literal('Bearer'),
  account: AccountView,
});
export type LoginResult = z.infer<typeof LoginResult>;

export const AuthSmsLoginPostResponse = LoginResult;
export type AuthSmsLoginPostResponse = z.infer<typeof AuthSmsLoginPostResponse>;

export const AuthPasswordLoginPostResponse = LoginResult;
export type AuthPasswordLoginPostResponse = z.infer<typeof AuthPasswordLoginPostResponse>;

/** A fresh access and refresh token pair. */
export const TokenPairView = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  tokenType: z.literal('Bearer'),
});
export type TokenPairView = z.infer<typeof TokenPairView>;

export const AuthPasswordResetPostResponse = TokenPairView;
export type AuthPasswordResetPostResponse = z.infer<typeof AuthPasswordResetPostResponse>;

export const AuthOauthLoginPostResponse = LoginResult;
export type AuthOauthLoginPostResponse = z.infer<typeof AuthOauthLoginPostResponse>;

export const AuthRefreshPostResponse = TokenPairView;
export type AuthRefreshPostResponse = z.infer<typeof AuthRefreshPostResponse>;

export const MePasswordPutResponse = TokenPairView;
export type MePasswordPutResponse = z.infer<typeof MePasswordPutResponse>;

export const PatientsListResponse = z.object({ items: z.array(PatientView), max: z.number() });
export type PatientsListResponse = z.infer<typeof PatientsListResponse>;

export const PatientsConsentRequestPostResponse = z.object({
  resendAfterSeconds: z.number(),
  expiresInSeconds: z.number(),
  sandboxCode: z.string().optional(),
  phoneMasked: z.string(),
  sentTo: z.enum(['own_account', 'entered']),
});
export type PatientsConsentRequestPostResponse = z.infer<typeof PatientsConsentRequestPostResponse>;

export const PatientsRecordSharingListResponse = z.object({ items: z.array(RecordSharingView) });
export type PatientsRecordSharingListResponse = z.infer<typeof PatientsRecordSharingListResponse>;

export const PatientsRecordSharingDeleteResponse = z.object({ items: z.array(RecordSharingView) });
export type PatientsRecordSharingDeleteResponse = z.infer<typeof PatientsRecordSharingDeleteResponse>;

export const SandboxIdentityPeoplePostResponse = z.object({ enrolled: z.boolean() });
export type SandboxIdentityPeoplePostResponse = z.infer<typeof SandboxIdentityPeoplePostResponse>;

export const AdminPatientsListResponse = z.object({
  items: z.array(
    PatientView.extend({
      accountId: z.string(),
    }),
  ),
});
export type AdminPatientsListResponse = z.infer<typeof AdminPatientsListResponse>;

export const AdminPatientsCounterLinkPostResponse = PatientView.extend({
  accountId: z.string(),
  released: z.array(z.string()),
});
export type AdminPatientsCounterLinkPostResponse = z.infer<typeof AdminPatientsCounterLinkPostResponse>;

export const AdminPatientsGetResponse = PatientView.extend({
  accountId: z.string(),
  removed: z.boolean(),
});
export type AdminPatientsGetResponse = z.infer<typeof AdminPatientsGetResponse>;

export const FaceVerificationListResponse = z.object({ required: z.boolean(), provider: z.string() });
export type FaceVerificationListResponse = z.infer<typeof FaceVerificationListResponse>;

export const FaceSessionsPostResponse = z.object({
  sessionId: z.string(),
  provider: z.string(),
  providerSessionId: z.string(),
  expiresAt: z.string(),
});
export type FaceSessionsPostResponse = z.infer<typeof FaceSessionsPostResponse>;

export const FaceSessionsConfirmPostResponse = z.object({
  sessionId: z.string(),
  outcome: z.literal('passed'),
  faceToken: z.string(),
  expiresAt: z.string(),
});
export type FaceSessionsConfirmPostResponse = z.infer<typeof FaceSessionsConfirmPostResponse>;

export const SandboxFaceSessionsCapturePostResponse = z.object({ captured: z.boolean() });
export type SandboxFaceSessionsCapturePostResponse = z.infer<typeof SandboxFaceSessionsCapturePostResponse>;

/** The hospital-side (HIS) patient file behind a bound visit card (IDN-07), asked of the HIS at each view. */
export const HisPatientFileSchema = z.object({
  patientId: z.string(),
  hisPatientId: z.string(),
  visitCardNo: z.string(),
  name: z.string(),
  gender: z.enum(['male', 'female']).nullable(),
  birthDate: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  address: z.string().nullable(),
  cardStatus: z.enum(['active', 'frozen', 'cancelled']),
  insuranceType: z.enum(['self_pay', 'employee', 'resident']),
  allergies: z.array(z.string()),
  fileCreatedOn: z.string().nullable(),
  lastVisitOn: z.string().nullable(),
});
export type HisPatientFile = z.infer<typeof HisPatientFileSchema>;
