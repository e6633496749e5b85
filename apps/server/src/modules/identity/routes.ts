import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import {
  principalOf,
  refreshSession,
  requirePatient,
  requireStaff,
  revokeSession,
} from '../../platform/auth.js';
import { DomainError } from '../../platform/errors.js';
import type { Module } from '../index.js';
import { SandboxIdentityVerifier } from '../../integrations/identity/index.js';
import { provideRecipients } from '../notifications/index.js';
import {
  accountContacts,
  accountIdsIn,
  accountIdsPage,
  accountView,
  changePassword,
  loginWithPassword,
  loginWithPlatformCode,
  loginWithSmsCode,
  requestLoginCode,
  resetPasswordWithCode,
} from './accounts.js';
import { registerHisProfileRoutes } from './his-profile.js';
import { registerFaceRoutes } from './face.js';
import { normalisePhone } from './pii.js';
import {
  addPatient,
  bindCard,
  changePatientIdentity,
  confirmConsent,
  getPatientView,
  linkPatientAtCounter,
  listPatients,
  listRecordSharing,
  makeDefaultPatient,
  readPatientForStaff,
  removePatient,
  requestConsent,
  revokeRecordSharing,
  searchPatientsForStaff,
  unbindCard,
  updatePatient,
} from './service.js';
import {
  AccountView,
  AdminPatientsCounterLinkPostResponse,
  AdminPatientsGetResponse,
  AdminPatientsListResponse,
  AuthOauthLoginPostResponse,
  AuthPasswordLoginPostResponse,
  AuthPasswordResetPostResponse,
  AuthRefreshPostResponse,
  AuthSmsCodesPostResponse,
  AuthSmsLoginPostResponse,
  MePasswordPutResponse,
  NoContent,
  PatientView,
  PatientsConsentRequestPostResponse,
  PatientsListResponse,
  PatientsRecordSharingDeleteResponse,
  PatientsRecordSharingListResponse,
  SandboxIdentityPeoplePostResponse,
} from '@qingnang/contracts';

const Phone = z
  .string()
  .max(20)
  .transform(normalisePhone)
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, 'mainland mobile number'));
const SmsCode = z.string().regex(/^\d{6}$/);
const IdTypeSchema = z.enum(['resident_id', 'hk_macao_tw_residence', 'foreign_permanent_residence']);
const RelationSchema = z.enum(['self', 'spouse', 'parent', 'child', 'other']);
const IdNumber = z.string().min(1).max(32);
const Name = z.string().min(1).max(60);
const PatientParams = z.object({ id: z.string().uuid() });

const meta = (req: { ip: string; headers: Record<string, unknown> }) => ({
  ip: req.ip,
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined,
});

export const identityModule: Module = {
  name: 'identity',
  async register(scope: FastifyInstance, ctx: AppContext) {
    // Notifications reach accounts through this port (it never reads accounts itself).
    provideRecipients({ contacts: accountContacts, accountIdsPage, accountIdsIn });
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const patient = requirePatient(ctx);
    const auth = { tags: ['identity: auth'] };
    const pt = { tags: ['identity: patients'], security: [{ bearer: [] }] };

    // ---- accounts and sessions (IDN-01..04) ----
    app.post(
      '/v1/auth/sms-codes',
      {
        schema: {
          ...auth,
          summary: 'Send a login code by SMS',
          body: z.object({ phone: Phone }).strict(),
          response: { 200: AuthSmsCodesPostResponse },
        },
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (req) => requestLoginCode(ctx, req.body.phone, meta(req)),
    );
    app.post(
      '/v1/auth/sms-login',
      {
        schema: {
          ...auth,
          summary: 'Log in (or register) with an SMS code',
          body: z.object({ phone: Phone, code: SmsCode }).strict(),
          response: { 200: AuthSmsLoginPostResponse },
        },
      },
      async (req) => loginWithSmsCode(ctx, req.body.phone, req.body.code, meta(req)),
    );
    app.post(
      '/v1/auth/password-login',
      {
        schema: {
          ...auth,
          summary: 'Log in with the optional account password',
          body: z.object({ phone: Phone, password: z.string().min(1).max(128) }).strict(),
          response: { 200: AuthPasswordLoginPostResponse },
        },
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (req) => loginWithPassword(ctx, req.body.phone, req.body.password, meta(req)),
    );
    app.post(
      '/v1/auth/password-reset',
      {
        schema: {
          ...auth,
          summary: 'Set a new password with a login code (forgotten password); every session ends',
          body: z.object({ phone: Phone, code: SmsCode, newPassword: z.string().min(1).max(128) }).strict(),
          response: { 200: AuthPasswordResetPostResponse },
        },
      },
      async (req) => resetPasswordWithCode(ctx, req.body, meta(req)),
    );
    app.post(
      '/v1/auth/oauth-login',
      {
        schema: {
          ...auth,
          summary: 'Log in with a WeChat / Alipay authorisation code',
          body: z
            .object({ provider: z.enum(['wechat', 'alipay']), code: z.string().min(1).max(256) })
            .strict(),
          response: { 200: AuthOauthLoginPostResponse },
        },
      },
      async (req) => loginWithPlatformCode(ctx, req.body.provider, req.body.code, meta(req)),
    );
    app.post(
      '/v1/auth/refresh',
      {
        schema: {
          ...auth,
          summary: 'Exchange a refresh token for a new pair (the old one is spent)',
          body: z.object({ refreshToken: z.string().min(1).max(200) }).strict(),
          response: { 200: AuthRefreshPostResponse },
        },
      },
      async (req) => refreshSession(ctx, req.body.refreshToken, 'patient'),
    );
    app.post(
      '/v1/auth/logout',
      { schema: { ...auth, summary: 'End this session', response: { 204: NoContent } }, preHandler: patient },
      async (req, reply) => {
        await revokeSession(ctx, principalOf(req).sessionId);
        return reply.status(204).send();
      },
    );
    app.get(
      '/v1/me',
      {
        schema: { ...pt, summary: 'The logged-in account', response: { 200: AccountView } },
        preHandler: patient,
      },
      async (req) => accountView(ctx, principalOf(req).id),
    );
    app.put(
      '/v1/me/password',
      {
        schema: {
          ...pt,
          summary: 'Set or change the password; other sessions end and a new token pair is returned',
          body: z
            .object({ oldPassword: z.string().max(128).optional(), newPassword: z.string().min(1).max(128) })
            .strict(),
          response: { 200: MePasswordPutResponse },
        },
        preHandler: patient,
      },
      async (req) => changePassword(ctx, principalOf(req).id, req.body, meta(req)),
    );

    // ---- patients (IDN-05..12) ----
    app.get(
      '/v1/patients',
      {
        schema: {
          ...pt,
          summary: 'Patients (family members) of this account',
          response: { 200: PatientsListResponse },
        },
        preHandler: patient,
      },
      async (req) => ({
        items: await listPatients(ctx, principalOf(req).id),
        max: ctx.config.MAX_PATIENTS_PER_ACCOUNT,
      }),
    );
    app.post(
      '/v1/patients',
      {
        schema: {
          ...pt,
          summary: 'Add a patient after real-name verification',
          body: z
            .object({
              name: Name,
              idType: IdTypeSchema.default('resident_id'),
              idNumber: IdNumber,
              phone: Phone,
              relation: RelationSchema,
              /** IDN-13: from POST /v1/face-sessions/:id/confirm, when the hospital requires face verification */
              faceToken: z.string().min(20).max(100).optional(),
            })
            .strict(),
          response: { 201: PatientView },
        },
        preHandler: patient,
      },
      async (req, reply) => reply.status(201).send(await addPatient(ctx, principalOf(req).id, req.body)),
    );
    app.get(
      '/v1/patients/:id',
      {
        schema: { ...pt, summary: 'One patient', params: PatientParams, response: { 200: PatientView } },
        preHandler: patient,
      },
      async (req) => getPatientView(ctx, principalOf(req).id, req.params.id),
    );
    app.patch(
      '/v1/patients/:id',
      {
        schema: {
          ...pt,
          summary: 'Edit phone or relation (identity changes go through identity-change)',
          params: PatientParams,
          body: z
            .object({
              phone: Phone.optional(),
              relation: RelationSchema.optional(),
              name: z.string().max(60).optional(),
              idType: z.string().max(40).optional(),
              idNumber: z.string().max(32).optional(),
            })
            .strict(),
          response: { 200: PatientView },
        },
        preHandler: patient,
      },
      async (req) => {
        const { phone, relation, ...identity } = req.body;
        if (Object.values(identity).some((v) => v !== undefined)) {
          throw new DomainError(
            'IDENTITY_NOT_EDITABLE',
            409,
            '已实名认证的身份信息不能直接修改，请通过身份变更办理',
            'A verified identity cannot be edited; use identity change',
          );
        }
        return updatePatient(ctx, principalOf(req).id, req.params.id, { phone, relation });
      },
    );
    app.delete(
      '/v1/patients/:id',
      {
        schema: { ...pt, summary: 'Unbind a patient', params: PatientParams, response: { 204: NoContent } },
        preHandler: patient,
      },
      async (req, reply) => {
        await removePatient(ctx, principalOf(req).id, req.params.id);
        return reply.status(204).send();
      },
    );
    app.post(
      '/v1/patients/:id/default',
      {
        schema: {
          ...pt,
          summary: 'Make this the default patient',
          params: PatientParams,
          response: { 200: PatientView },
        },
        preHandler: patient,
      },
      async (req) => makeDefaultPatient(ctx, principalOf(req).id, req.params.id),
    );
    app.post(
      '/v1/patients/:id/identity-change',
      {
        schema: {
          ...pt,
          summary: 'Replace the verified identity (re-verification, limited)',
          params: PatientParams,
          body: z.object({ name: Name, idType: IdTypeSchema.optional(), idNumber: IdNumber }).strict(),
          response: { 200: PatientView },
        },
        preHandler: patient,
      },
      async (req) => changePatientIdentity(ctx, principalOf(req).id, req.params.id, req.body),
    );
    app.post(
      '/v1/patients/:id/consent/request',
      {
        schema: {
          ...pt,
          summary: "Send a consent code to the patient's own phone",
          params: PatientParams,
          response: { 200: PatientsConsentRequestPostResponse },
        },
        preHandler: patient,
      },
      async (req) => requestConsent(ctx, principalOf(req).id, req.params.id, meta(req)),
    );
    app.post(
      '/v1/patients/:id/consent/confirm',
      {
        schema: {
          ...pt,
          summary: 'Confirm consent with the code',
          params: PatientParams,
          body: z.object({ code: SmsCode }).strict(),
          response: { 200: PatientView },
        },
        preHandler: patient,
      },
      async (req) => confirmConsent(ctx, principalOf(req).id, req.params.id, req.body.code),
    );
    app.get(
      '/v1/patients/:id/record-sharing',
      {
        schema: {
          ...pt,
          summary: 'Your own identity: which other accounts bound you and whether you consented',
          params: PatientParams,
          response: { 200: PatientsRecordSharingListResponse },
        },
        preHandler: patient,
      },
      async (req) => ({ items: await listRecordSharing(ctx, principalOf(req).id, req.params.id) }),
    );
    app.delete(
      '/v1/patients/:id/record-sharing/:sharingId',
      {
        schema: {
          ...pt,
          summary: "Withdraw another account's access to your records (at once)",
          params: z.object({ id: z.string().uuid(), sharingId: z.string().uuid() }),
          response: { 200: PatientsRecordSharingDeleteResponse },
        },
        preHandler: patient,
      },
      async (req) => ({
        items: await revokeRecordSharing(ctx, principalOf(req).id, req.params.id, req.params.sharingId),
      }),
    );
    for (const kind of ['visit', 'health'] as const) {
      app.post(
        `/v1/patients/:id/${kind}-card`,
        {
          schema: {
            ...pt,
            summary: kind === 'visit' ? 'Create or bind the visit card' : 'Apply for or bind the health card',
            params: PatientParams,
            body: z
              .object({
                cardNo: z
                  .string()
                  .regex(/^[A-Za-z0-9]{4,64}$/)
                  .optional(),
              })
              .strict()
              .nullish(),
            response: { 200: PatientView },
          },
          preHandler: patient,
        },
        async (req) => bindCard(ctx, principalOf(req).id, req.params.id, kind, req.body?.cardNo),
      );
      app.delete(
        `/v1/patients/:id/${kind}-card`,
        {
          schema: {
            ...pt,
            summary: `Unbind the ${kind} card`,
            params: PatientParams,
            response: { 200: PatientView },
          },
          preHandler: patient,
        },
        async (req) => unbindCard(ctx, principalOf(req).id, req.params.id, kind),
      );
    }

    registerHisProfileRoutes(app, ctx);
    registerFaceRoutes(app, ctx);

    // The demo and the browser tests add the people they invent to the sandbox real-name provider's
    // population (a real provider knows every resident); the first name given for a number stays.
    const verifier = ctx.adapters.identityVerifier;
    if (verifier instanceof SandboxIdentityVerifier) {
      app.post(
        '/v1/sandbox/identity/people',
        {
          schema: {
            tags: ['identity (sandbox)'],
            security: [{ bearer: [] }],
            summary: '沙箱：在实名核验沙箱的人口库中登记一个人（姓名 + 证件号码）',
            body: z.object({ name: Name, idNumber: IdNumber }).strict(),
            response: { 200: SandboxIdentityPeoplePostResponse },
          },
          preHandler: requireStaff(ctx, 'patients.link'),
        },
        async (req) => {
          if (!verifier.enrol(req.body)) {
            throw new DomainError(
              'SANDBOX_PERSON_EXISTS',
              409,
              '沙箱人口库中该证件号码已登记为另一姓名',
              'The sandbox population holds this ID number under another name',
            );
          }
          return { enrolled: true };
        },
      );
    }

    // ---- staff (audited) ----
    const admin = { tags: ['admin: patients'], security: [{ bearer: [] }] };
    app.get(
      '/v1/admin/patients',
      {
        schema: {
          ...admin,
          summary: 'Find patients by phone or ID number (blind index)',
          querystring: z.object({ phone: Phone.optional(), idNumber: IdNumber.optional() }).strict(),
          response: { 200: AdminPatientsListResponse },
        },
        preHandler: requireStaff(ctx, 'patients.read'),
      },
      async (req) => ({ items: await searchPatientsForStaff(ctx, req, req.query) }),
    );
    app.post(
      '/v1/admin/patients/:id/counter-link',
      {
        schema: {
          ...admin,
          summary:
            'Counter: documents seen in person; verify the identity, link a child under 14 to the guardian, settle a "self" appeal',
          params: PatientParams,
          body: z
            .object({
              document: z.enum(['resident_id_card', 'household_register', 'birth_certificate', 'other_id']),
            })
            .strict(),
          response: { 200: AdminPatientsCounterLinkPostResponse },
        },
        preHandler: requireStaff(ctx, 'patients.link'),
      },
      async (req) => linkPatientAtCounter(ctx, req, req.params.id, req.body),
    );
    app.get(
      '/v1/admin/patients/:id',
      {
        schema: {
          ...admin,
          summary: 'One patient (masked)',
          params: PatientParams,
          response: { 200: AdminPatientsGetResponse },
        },
        preHandler: requireStaff(ctx, 'patients.read'),
      },
      async (req) => readPatientForStaff(ctx, req, req.params.id),
    );
  },
};
