import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import { hospitalDay } from '../../platform/clock.js';
import { conflict, DomainError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  IdentityProviderUnavailable,
  SandboxFaceVerifier,
  type FaceOutcome,
} from '../../integrations/identity/index.js';
import { normaliseName, verifyIdNumber } from './id-documents.js';
import { piiCipher } from './pii.js';
import { faceSessions, type IdType } from './schema.js';
import {
  FaceSessionsConfirmPostResponse,
  FaceSessionsPostResponse,
  FaceVerificationListResponse,
  SandboxFaceSessionsCapturePostResponse,
} from '@qingnang/contracts';

/**
 * IDN-13: when the hospital requires it (FACE_VERIFICATION=required), a patient adding themself
 * proves they are the person behind the ID number with a live face. Three steps, each checked by the
 * server: start (a session with the provider for this account and this person), the provider's
 * capture in the H5, confirm (the platform asks the provider for its verdict and, on a pass, hands
 * out a token). Adding oneself then spends the token once, before the session expires, for the same
 * person only.
 */
export function faceVerificationRequired(ctx: AppContext): boolean {
  return ctx.config.FACE_VERIFICATION === 'required';
}

export async function startFaceSession(
  ctx: AppContext,
  accountId: string,
  input: { name: string; idType: IdType; idNumber: string },
): Promise<{ sessionId: string; provider: string; providerSessionId: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const name = normaliseName(input.name);
  const identity = verifyIdNumber(
    input.idType,
    input.idNumber,
    hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE),
  );
  const verifier = ctx.adapters.faceVerifier;
  const { providerSessionId } = await askProvider(ctx, () =>
    verifier.startSession({ name, idType: identity.idType, idNumber: identity.idNumber }),
  );
  const expiresAt = new Date(now.getTime() + ctx.config.FACE_SESSION_TTL_SECONDS * 1000);
  const id = newId();
  await ctx.db.insert(faceSessions).values({
    id,
    accountId,
    idNumberIdx: piiCipher(ctx.config).blindIndex(identity.idNumber),
    provider: verifier.kind,
    providerSessionId,
    state: 'started',
    expiresAt,
    createdAt: now,
  });
  return { sessionId: id, provider: verifier.kind, providerSessionId, expiresAt: expiresAt.toISOString() };
}

/** Asks the provider for its verdict; a pass gives the token that adding oneself spends. */
export async function confirmFaceSession(
  ctx: AppContext,
  accountId: string,
  sessionId: string,
): Promise<{ sessionId: string; outcome: 'passed'; faceToken: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const [s] = await ctx.db
    .select()
    .from(faceSessions)
    .where(and(eq(faceSessions.id, sessionId), eq(faceSessions.accountId, accountId)));
  if (!s) throw sessionNotFound();
  if (s.expiresAt <= now) throw sessionExpired();
  if (s.state !== 'started') throw sessionUsed();
  const outcome: FaceOutcome = await askProvider(ctx, () =>
    ctx.adapters.faceVerifier.result(s.providerSessionId),
  );
  if (outcome === 'pending')
    throw conflict(
      'FACE_CAPTURE_PENDING',
      '人脸识别尚未完成，请按提示完成刷脸后再确认',
      'The face capture is not finished yet; complete it, then confirm',
    );
  if (outcome !== 'passed') {
    await ctx.db
      .update(faceSessions)
      .set({ state: 'failed', outcome, confirmedAt: now })
      .where(and(eq(faceSessions.id, s.id), eq(faceSessions.state, 'started')));
    throw outcome === 'mismatch'
      ? new DomainError(
          'FACE_NOT_MATCHED',
          422,
          '人脸与该证件的本人照片不一致，不能以本人身份添加；如确为本人，请携身份证到医院窗口办理',
          'The face does not match the photo of this ID; if it is you, bring your ID card to a hospital counter',
        )
      : new DomainError(
          'FACE_NOT_LIVE',
          422,
          '未通过活体检测，请本人正对镜头重新刷脸',
          'The liveness check failed; face the camera yourself and try again',
        );
  }
  const faceToken = randomBytes(32).toString('base64url');
  const [passed] = await ctx.db
    .update(faceSessions)
    .set({ state: 'passed', outcome, tokenHash: tokenHashOf(faceToken), confirmedAt: now })
    .where(and(eq(faceSessions.id, s.id), eq(faceSessions.state, 'started')))
    .returning({ id: faceSessions.id });
  // a second confirm racing this one: only one of them hands out a token
  if (!passed) throw sessionUsed();
  return { sessionId: s.id, outcome: 'passed', faceToken, expiresAt: s.expiresAt.toISOString() };
}

/**
 * Before anything is asked or written: a self binding under FACE_VERIFICATION=required needs a token
 * of this account that passed for this very person and is still unused and unexpired.
 */
export async function assertFaceTokenUsable(
  ctx: AppContext,
  accountId: string,
  faceToken: string | undefined,
  idNumberIdx: string,
): Promise<void> {
  if (!faceToken)
    throw new DomainError(
      'FACE_VERIFICATION_REQUIRED',
      422,
      '本院要求添加本人时进行人脸识别，请先完成刷脸',
      'This hospital requires face verification to add yourself; complete it first',
    );
  const [s] = await ctx.db
    .select()
    .from(faceSessions)
    .where(and(eq(faceSessions.tokenHash, tokenHashOf(faceToken)), eq(faceSessions.accountId, accountId)));
  if (!s) throw tokenInvalid();
  if (s.state === 'used') throw tokenUsed();
  if (s.expiresAt <= ctx.clock.now()) throw sessionExpired();
  if (s.idNumberIdx !== idNumberIdx) throw personMismatch();
}

/** Spends the token in the binding's transaction (compare-and-set: two requests cannot both spend it). */
export async function spendFaceToken(
  ctx: AppContext,
  tx: DbOrTx,
  input: { accountId: string; faceToken: string; idNumberIdx: string; patientId: string },
): Promise<void> {
  const now = ctx.clock.now();
  const [spent] = await tx
    .update(faceSessions)
    .set({ state: 'used', usedAt: now, usedForPatientId: input.patientId })
    .where(
      and(
        eq(faceSessions.tokenHash, tokenHashOf(input.faceToken)),
        eq(faceSessions.accountId, input.accountId),
        eq(faceSessions.idNumberIdx, input.idNumberIdx),
        eq(faceSessions.state, 'passed'),
        gt(faceSessions.expiresAt, now),
      ),
    )
    .returning({ id: faceSessions.id });
  if (!spent) throw tokenUsed();
}

/** Registered from identity's routes. */
export function registerFaceRoutes(scope: FastifyInstance, ctx: AppContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const patient = requirePatient(ctx);
  const tags = ['identity: face verification'];
  app.get(
    '/v1/face-verification',
    {
      schema: {
        tags,
        summary: 'Whether this hospital asks for a live face to add oneself (IDN-13)',
        response: { 200: FaceVerificationListResponse },
      },
      preHandler: patient,
    },
    async () => ({ required: faceVerificationRequired(ctx), provider: ctx.adapters.faceVerifier.kind }),
  );
  app.post(
    '/v1/face-sessions',
    {
      schema: {
        tags,
        summary: 'Start a face verification session for a person (name + ID number)',
        body: z
          .object({
            name: z.string().min(1).max(60),
            idType: z
              .enum(['resident_id', 'hk_macao_tw_residence', 'foreign_permanent_residence'])
              .default('resident_id'),
            idNumber: z.string().min(1).max(32),
          })
          .strict(),
        response: { 201: FaceSessionsPostResponse },
      },
      preHandler: patient,
    },
    async (req, reply) => reply.status(201).send(await startFaceSession(ctx, principalOf(req).id, req.body)),
  );
  app.post(
    '/v1/face-sessions/:id/confirm',
    {
      schema: {
        tags,
        summary: "Ask the provider for the session's verdict; a pass returns the single-use face token",
        params: z.object({ id: z.string().uuid() }),
        body: z.object({}).strict().nullish(),
        response: { 200: FaceSessionsConfirmPostResponse },
      },
      preHandler: patient,
    },
    async (req) => confirmFaceSession(ctx, principalOf(req).id, req.params.id),
  );

  const verifier = ctx.adapters.faceVerifier;
  if (verifier instanceof SandboxFaceVerifier) {
    app.post(
      '/v1/sandbox/face-sessions/:providerSessionId/capture',
      {
        schema: {
          tags: ['identity (sandbox)'],
          summary: '沙箱刷脸：告诉沙箱人脸识别服务镜头看到了什么（通过 / 非本人 / 非活体）',
          params: z.object({ providerSessionId: z.string().min(1).max(80) }),
          body: z.object({ outcome: z.enum(['passed', 'mismatch', 'not_live']) }).strict(),
          response: { 200: SandboxFaceSessionsCapturePostResponse },
        },
        preHandler: patient,
      },
      async (req) => {
        if (!verifier.complete(req.params.providerSessionId, req.body.outcome))
          throw new DomainError(
            'FACE_SESSION_NOT_FOUND',
            404,
            '没有找到这次刷脸，或已经完成',
            'No such face session, or it is already finished',
          );
        return { captured: true };
      },
    );
  }
}

// ---- helpers ----

const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

async function askProvider<T>(ctx: AppContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof IdentityProviderUnavailable)) throw err;
    ctx.log.warn({ provider: ctx.adapters.faceVerifier.kind }, 'face verification unavailable');
    throw new DomainError(
      'FACE_CHECK_UNAVAILABLE',
      503,
      '人脸识别服务暂时不可用，请稍后再试',
      'Face verification is unavailable now; try again later',
      { retryable: true },
    );
  }
}

const sessionNotFound = () =>
  new DomainError('FACE_SESSION_NOT_FOUND', 404, '没有找到这次刷脸', 'No such face session');
const sessionExpired = () =>
  conflict(
    'FACE_SESSION_EXPIRED',
    '刷脸已过期，请重新刷脸',
    'The face verification has expired; verify your face again',
  );
const sessionUsed = () =>
  conflict('FACE_SESSION_USED', '这次刷脸已确认过，请重新刷脸', 'This face session was already confirmed');
const tokenUsed = () =>
  conflict(
    'FACE_TOKEN_USED',
    '这次刷脸结果已使用过，请重新刷脸',
    'This face verification was already used; verify your face again',
  );
const tokenInvalid = () =>
  new DomainError(
    'FACE_TOKEN_INVALID',
    422,
    '刷脸结果无效，请重新刷脸',
    'The face verification is not valid; verify your face again',
  );
const personMismatch = () =>
  new DomainError(
    'FACE_PERSON_MISMATCH',
    422,
    '刷脸的人与要添加的证件不是同一人',
    'The face was verified for another ID number than the one being added',
  );
