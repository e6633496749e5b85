import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { revokeAllSessions, startSession, type TokenPair } from '../../platform/auth.js';
import { DomainError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { maskPhone } from '../../platform/pii.js';
import { consumeCode, sendCode, type CodeSent } from './sms-codes.js';
import { piiCipher } from './pii.js';
import { accountLinks, accounts, type OAuthProvider } from './schema.js';

export interface AccountView {
  id: string;
  phoneMasked: string | null;
  hasPassword: boolean;
  linkedProviders: OAuthProvider[];
  createdAt: string;
}

export type LoginResult = TokenPair & { account: AccountView };

interface ClientMeta {
  ip?: string;
  userAgent?: string;
}

const PASSWORD_MAX_FAILURES = 5;
const PASSWORD_LOCK_MINUTES = 15;

export async function requestLoginCode(ctx: AppContext, phone: string, meta: ClientMeta): Promise<CodeSent> {
  return sendCode(ctx, {
    purpose: 'login',
    phone,
    ip: meta.ip,
    text: (code) => `【青囊医院】您的登录验证码是 ${code}，5 分钟内有效。请勿告诉他人。`,
  });
}

/** IDN-01/02: the first successful code login creates the account; later ones log into it. */
export async function loginWithSmsCode(
  ctx: AppContext,
  phone: string,
  code: string,
  meta: ClientMeta,
): Promise<LoginResult> {
  await consumeCode(ctx, { purpose: 'login', phone, code });
  const cipher = piiCipher(ctx.config);
  const phoneIdx = cipher.blindIndex(phone);
  const now = ctx.clock.now();
  // ON CONFLICT: two first logins racing for one phone end in one account.
  await ctx.db
    .insert(accounts)
    .values({ id: newId(), phoneEnc: cipher.encrypt(phone), phoneIdx, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: accounts.phoneIdx });
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.phoneIdx, phoneIdx));
  return {
    ...(await startSession(ctx, 'patient', account.id, meta)),
    account: await accountView(ctx, account.id),
  };
}

export async function loginWithPassword(
  ctx: AppContext,
  phone: string,
  password: string,
  meta: ClientMeta,
): Promise<LoginResult> {
  const now = ctx.clock.now();
  const failed = new DomainError(
    'LOGIN_FAILED',
    401,
    '手机号或密码不正确',
    'Phone number or password is wrong',
  );
  const [account] = await ctx.db
    .select()
    .from(accounts)
    .where(eq(accounts.phoneIdx, piiCipher(ctx.config).blindIndex(phone)));
  if (!account?.passwordHash) throw failed;
  if (account.lockedUntil && account.lockedUntil > now) {
    throw new DomainError(
      'ACCOUNT_LOCKED',
      423,
      '密码错误次数过多，账号已暂时锁定，请稍后再试或使用验证码登录',
      'Too many wrong passwords; the account is locked for a while (code login still works)',
      { lockedUntil: account.lockedUntil.toISOString() },
    );
  }
  if (!(await argonVerify(account.passwordHash, password))) {
    const failures = account.failedLogins + 1;
    await ctx.db
      .update(accounts)
      .set({
        failedLogins: sql`${accounts.failedLogins} + 1`,
        lockedUntil:
          failures >= PASSWORD_MAX_FAILURES ? new Date(now.getTime() + PASSWORD_LOCK_MINUTES * 60_000) : null,
        updatedAt: now,
      })
      .where(eq(accounts.id, account.id));
    throw failed;
  }
  await ctx.db
    .update(accounts)
    .set({ failedLogins: 0, lockedUntil: null, updatedAt: now })
    .where(eq(accounts.id, account.id));
  return {
    ...(await startSession(ctx, 'patient', account.id, meta)),
    account: await accountView(ctx, account.id),
  };
}

/** Login by WeChat / Alipay authorisation code: the openid is linked to one account. */
export async function loginWithPlatformCode(
  ctx: AppContext,
  provider: OAuthProvider,
  code: string,
  meta: ClientMeta,
): Promise<LoginResult> {
  const platform = provider === 'wechat' ? ctx.adapters.wechatPlatform : ctx.adapters.alipayPlatform;
  const { openid } = await platform.exchangeCode(code);
  const now = ctx.clock.now();
  const accountId = await ctx.db.transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(accountLinks)
      .where(and(eq(accountLinks.provider, provider), eq(accountLinks.openid, openid)));
    if (link) return link.accountId;
    const id = newId();
    await tx.insert(accounts).values({ id, createdAt: now, updatedAt: now });
    const inserted = await tx
      .insert(accountLinks)
      .values({ provider, openid, accountId: id, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (inserted.length > 0) return id;
    const [winner] = await tx
      .select()
      .from(accountLinks)
      .where(and(eq(accountLinks.provider, provider), eq(accountLinks.openid, openid)));
    await tx.delete(accounts).where(eq(accounts.id, id));
    return winner.accountId;
  });
  return {
    ...(await startSession(ctx, 'patient', accountId, meta)),
    account: await accountView(ctx, accountId),
  };
}

/**
 * IDN-04: sets or changes the password. With a password already set the old one must be given.
 * Every session of the account ends (a stolen session must not survive a password change); the
 * caller gets a fresh session.
 */
export async function changePassword(
  ctx: AppContext,
  accountId: string,
  input: { oldPassword?: string; newPassword: string },
  meta: ClientMeta,
): Promise<TokenPair> {
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', 404, '账号不存在', 'Account not found');
  if (account.passwordHash) {
    if (!input.oldPassword || !(await argonVerify(account.passwordHash, input.oldPassword))) {
      throw new DomainError('OLD_PASSWORD_WRONG', 400, '原密码不正确', 'The old password is wrong');
    }
  }
  checkPasswordStrength(input.newPassword);
  const now = ctx.clock.now();
  await ctx.db
    .update(accounts)
    .set({
      passwordHash: await argonHash(input.newPassword),
      passwordChangedAt: now,
      failedLogins: 0,
      lockedUntil: null,
      updatedAt: now,
    })
    .where(eq(accounts.id, accountId));
  await revokeAllSessions(ctx, 'patient', accountId);
  return startSession(ctx, 'patient', accountId, meta);
}

/**
 * A forgotten password: a login code sent to the account's phone stands in for the old password.
 * Every session ends, as with a change, and the caller gets a fresh one.
 */
export async function resetPasswordWithCode(
  ctx: AppContext,
  input: { phone: string; code: string; newPassword: string },
  meta: ClientMeta,
): Promise<TokenPair> {
  checkPasswordStrength(input.newPassword);
  await consumeCode(ctx, { purpose: 'login', phone: input.phone, code: input.code });
  const [account] = await ctx.db
    .select()
    .from(accounts)
    .where(eq(accounts.phoneIdx, piiCipher(ctx.config).blindIndex(input.phone)));
  if (!account)
    throw new DomainError('ACCOUNT_NOT_FOUND', 404, '该手机号尚未注册', 'No account has this phone number');
  const now = ctx.clock.now();
  await ctx.db
    .update(accounts)
    .set({
      passwordHash: await argonHash(input.newPassword),
      passwordChangedAt: now,
      failedLogins: 0,
      lockedUntil: null,
      updatedAt: now,
    })
    .where(eq(accounts.id, account.id));
  await revokeAllSessions(ctx, 'patient', account.id);
  return startSession(ctx, 'patient', account.id, meta);
}

function checkPasswordStrength(p: string): void {
  if (p.length < 8 || p.length > 64 || !/[A-Za-z]/.test(p) || !/\d/.test(p)) {
    throw new DomainError(
      'PASSWORD_TOO_WEAK',
      400,
      '密码须为 8-64 位，且同时包含字母和数字',
      'The password must be 8-64 characters with letters and digits',
    );
  }
}

export async function accountView(ctx: AppContext, accountId: string): Promise<AccountView> {
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', 404, '账号不存在', 'Account not found');
  const links = await ctx.db.select().from(accountLinks).where(eq(accountLinks.accountId, accountId));
  return {
    id: account.id,
    phoneMasked: account.phoneEnc ? maskPhone(piiCipher(ctx.config).decrypt(account.phoneEnc)) : null,
    hasPassword: Boolean(account.passwordHash),
    linkedProviders: links.map((l) => l.provider),
    createdAt: account.createdAt.toISOString(),
  };
}

/** Where the notification channels reach an account (used by the notifications module). */
export async function accountContacts(
  ctx: AppContext,
  accountId: string,
): Promise<{ phone?: string; wechatOpenid?: string; alipayOpenid?: string }> {
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account) return {};
  const links = await ctx.db.select().from(accountLinks).where(eq(accountLinks.accountId, accountId));
  return {
    phone: account.phoneEnc ? piiCipher(ctx.config).decrypt(account.phoneEnc) : undefined,
    wechatOpenid: links.find((l) => l.provider === 'wechat')?.openid,
    alipayOpenid: links.find((l) => l.provider === 'alipay')?.openid,
  };
}

/** Ids of accounts, in pages (for broadcasts such as care messages). */
export async function accountIdsPage(
  ctx: AppContext,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(afterId ? gt(accounts.id, afterId) : undefined)
    .orderBy(asc(accounts.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Which of these account ids exist. */
export async function accountIdsIn(ctx: AppContext, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.select({ id: accounts.id }).from(accounts).where(inArray(accounts.id, ids));
  return rows.map((r) => r.id);
}
