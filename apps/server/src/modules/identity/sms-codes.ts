import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { and, count, desc, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { dayjs } from '../../platform/clock.js';
import { DomainError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { piiCipher } from './pii.js';
import { smsCodes } from './schema.js';

export type CodePurpose = 'login' | 'consent';

export interface CodeSent {
  resendAfterSeconds: number;
  expiresInSeconds: number;
  /** only with the console (sandbox) SMS sender outside production */
  sandboxCode?: string;
}

/**
 * Sends a one-time code by SMS. Rules: a new code replaces the previous one; 60 s between sends to
 * one phone unless the previous code was used; a daily limit per phone and per network address
 * (hospital day), so the endpoint cannot be used to bomb a phone or burn the SMS budget.
 */
export async function sendCode(
  ctx: AppContext,
  input: {
    purpose: CodePurpose;
    phone: string;
    subjectId?: string;
    ip?: string;
    text: (code: string) => string;
  },
): Promise<CodeSent> {
  const cfg = ctx.config;
  const now = ctx.clock.now();
  const phoneIdx = piiCipher(cfg).blindIndex(input.phone);
  const [last] = await ctx.db
    .select()
    .from(smsCodes)
    .where(and(eq(smsCodes.phoneIdx, phoneIdx), eq(smsCodes.purpose, input.purpose)))
    .orderBy(desc(smsCodes.createdAt))
    .limit(1);
  if (last && !last.consumedAt) {
    const waitMs = last.createdAt.getTime() + cfg.SMS_RESEND_INTERVAL_SECONDS * 1000 - now.getTime();
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      throw new DomainError(
        'SMS_RESEND_TOO_SOON',
        429,
        `验证码发送过于频繁，请 ${retryAfterSeconds} 秒后再试`,
        `Please wait ${retryAfterSeconds} s before requesting another code`,
        { retryAfterSeconds },
      );
    }
  }
  const dayStart = dayjs(now).tz(cfg.HOSPITAL_TIMEZONE).startOf('day').toDate();
  const [perPhone] = await ctx.db
    .select({ n: count() })
    .from(smsCodes)
    .where(and(eq(smsCodes.phoneIdx, phoneIdx), gte(smsCodes.createdAt, dayStart)));
  if (perPhone.n >= cfg.SMS_MAX_PER_PHONE_PER_DAY) {
    throw new DomainError(
      'SMS_DAILY_LIMIT_REACHED',
      429,
      '该手机号今日获取验证码次数已达上限，请明天再试',
      'This phone number has reached the daily limit of codes',
    );
  }
  if (input.ip) {
    const [perIp] = await ctx.db
      .select({ n: count() })
      .from(smsCodes)
      .where(and(eq(smsCodes.ip, input.ip), gte(smsCodes.createdAt, dayStart)));
    if (perIp.n >= cfg.SMS_MAX_PER_IP_PER_DAY) {
      throw new DomainError(
        'SMS_IP_LIMIT_REACHED',
        429,
        '当前网络获取验证码次数过多，请稍后再试',
        'Too many codes requested from this network address today',
      );
    }
  }

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(smsCodes)
      .set({ deadAt: now })
      .where(
        and(
          eq(smsCodes.phoneIdx, phoneIdx),
          eq(smsCodes.purpose, input.purpose),
          isNull(smsCodes.consumedAt),
          isNull(smsCodes.deadAt),
        ),
      );
    await tx.insert(smsCodes).values({
      id,
      purpose: input.purpose,
      phoneIdx,
      subjectId: input.subjectId ?? null,
      codeHash: hashCode(ctx, id, code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + cfg.SMS_CODE_TTL_SECONDS * 1000),
      ip: input.ip ?? null,
    });
    await ctx.adapters.sms.send(tx, {
      phone: input.phone,
      template: `auth.${input.purpose}_code`,
      content: input.text(code),
      secret: code,
      at: now,
    });
  });
  const sandbox = ctx.adapters.sms.kind === 'console' && cfg.NODE_ENV !== 'production';
  return {
    resendAfterSeconds: cfg.SMS_RESEND_INTERVAL_SECONDS,
    expiresInSeconds: cfg.SMS_CODE_TTL_SECONDS,
    ...(sandbox ? { sandboxCode: code } : {}),
  };
}

/**
 * Checks a code and consumes it. The latest code for the phone (and subject) is the only live one;
 * each wrong try is counted by a conditional update, and after the last allowed try the code is dead
 * even if the right code follows. Consumption is a compare-and-set, so a code logs in once.
 */
export async function consumeCode(
  ctx: AppContext,
  input: { purpose: CodePurpose; phone: string; subjectId?: string; code: string },
): Promise<void> {
  const now = ctx.clock.now();
  const max = ctx.config.SMS_CODE_MAX_ATTEMPTS;
  const phoneIdx = piiCipher(ctx.config).blindIndex(input.phone);
  const conditions = [eq(smsCodes.phoneIdx, phoneIdx), eq(smsCodes.purpose, input.purpose)];
  if (input.subjectId) conditions.push(eq(smsCodes.subjectId, input.subjectId));
  // sendCode retires earlier codes, so at most one is live; without one, the latest explains why.
  const [live] = await ctx.db
    .select()
    .from(smsCodes)
    .where(and(...conditions, isNull(smsCodes.consumedAt), isNull(smsCodes.deadAt)));
  const [latest] = live
    ? [live]
    : await ctx.db
        .select()
        .from(smsCodes)
        .where(and(...conditions))
        .orderBy(desc(smsCodes.createdAt), desc(smsCodes.attempts))
        .limit(1);
  if (!latest || latest.consumedAt) throw codeInvalid(0);
  if (latest.attempts >= max) throw tooManyAttempts();
  if (latest.deadAt) throw codeInvalid(0);
  if (latest.expiresAt <= now) {
    throw new DomainError('SMS_CODE_EXPIRED', 400, '验证码已过期，请重新获取', 'The code has expired');
  }
  if (!sameHash(latest.codeHash, hashCode(ctx, latest.id, input.code))) {
    const [counted] = await ctx.db
      .update(smsCodes)
      .set({
        attempts: sql`${smsCodes.attempts} + 1`,
        deadAt: sql`CASE WHEN ${smsCodes.attempts} + 1 >= ${max} THEN ${now.toISOString()}::timestamptz ELSE NULL END`,
      })
      .where(and(eq(smsCodes.id, latest.id), isNull(smsCodes.consumedAt), lt(smsCodes.attempts, max)))
      .returning({ attempts: smsCodes.attempts });
    if (!counted || counted.attempts >= max) throw tooManyAttempts();
    throw codeInvalid(max - counted.attempts);
  }
  const [used] = await ctx.db
    .update(smsCodes)
    .set({ consumedAt: now })
    .where(
      and(
        eq(smsCodes.id, latest.id),
        isNull(smsCodes.consumedAt),
        isNull(smsCodes.deadAt),
        lt(smsCodes.attempts, max),
      ),
    )
    .returning({ id: smsCodes.id });
  if (!used) throw codeInvalid(0);
}

function hashCode(ctx: AppContext, id: string, code: string): string {
  return createHmac('sha256', ctx.config.piiIndexKey).update(`${id}:${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

const codeInvalid = (attemptsLeft: number) =>
  new DomainError(
    'SMS_CODE_INVALID',
    400,
    attemptsLeft > 0 ? `验证码不正确，还可尝试 ${attemptsLeft} 次` : '验证码无效，请重新获取',
    attemptsLeft > 0 ? `Wrong code, ${attemptsLeft} tries left` : 'The code is not valid, request a new one',
    { attemptsLeft },
  );

const tooManyAttempts = () =>
  new DomainError(
    'SMS_CODE_ATTEMPTS_EXCEEDED',
    400,
    '验证码错误次数过多，请重新获取',
    'Too many wrong tries, request a new code',
  );
