// Insurance: the credential (INS-01 … INS-05, INS-13, INS-14) — authorisation, QR, social card, balance.

import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { maskName } from '../../platform/pii.js';
import { InsuranceError } from '../../integrations/insurance/index.js';
import { blindIndexOf, getPatientForRecords, type PatientRecord } from '../identity/index.js';
import { piiCipher } from '../identity/index.js';
import { insuranceCredentials } from './schema.js';
import {
  credentialExpired,
  credentialNotFound,
  type CredentialRow,
  nameMismatch,
  unavailable,
} from './shared.js';

/**
 * INS-01/04: exchanges the credential SDK's authorisation code for the insured person; only the
 * patient's own identity is accepted (ID number and real name), otherwise nothing is stored.
 */
export async function authoriseCredential(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; authCode: string },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  if (!p.verified)
    throw conflict('PATIENT_NOT_VERIFIED', '就诊人尚未实名认证', 'The patient is not real-name verified');
  let cred;
  try {
    cred = await ctx.adapters.insurance.authorise(ctx, input.authCode);
  } catch (err) {
    if (err instanceof InsuranceError && !err.retryable)
      throw badRequest(
        'INSURANCE_AUTH_CODE_INVALID',
        '医保电子凭证授权码无效或已过期，请重新授权',
        'The credential authorisation code is invalid or expired',
      );
    throw unavailable();
  }
  if (blindIndexOf(ctx, cred.person.idNumber) !== blindIndexOf(ctx, p.idNumber))
    throw conflict(
      'INSURANCE_IDENTITY_MISMATCH',
      '医保电子凭证不属于该就诊人',
      'The insurance credential belongs to someone else',
    );
  if (!sameName(cred.person.name, p.name)) throw nameMismatch();
  const now = ctx.clock.now();
  const cipher = piiCipher(ctx.config);
  const values = {
    accountId,
    personIdx: blindIndexOf(ctx, p.idNumber),
    holderName: cred.person.name,
    insuredNo: cred.person.insuredNo,
    insuranceType: cred.person.insuranceType,
    areaCode: cred.person.areaCode,
    areaName: cred.person.areaName,
    ecTokenEnc: cipher.encrypt(cred.ecToken),
    tokenExpiresAt: cred.expiresAt,
    state: 'active' as const,
    authorisedAt: now,
    updatedAt: now,
  };
  await ctx.db
    .insert(insuranceCredentials)
    .values({ id: newId(), patientId: p.id, createdAt: now, ...values })
    .onConflictDoUpdate({ target: insuranceCredentials.patientId, set: values });
  return credentialView(ctx, await credentialOf(ctx, p));
}

/** INS-02: the electronic insurance card's information (numbers masked). */
export async function getCredential(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  return credentialView(ctx, await credentialOf(ctx, p));
}

/** INS-03: the dynamic QR payload shown for offline settlement in the hospital. */
export async function credentialQr(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const qr = await platformCall(() => ctx.adapters.insurance.credentialQr(ctx, tokenOf(ctx, c)));
  return { payload: qr.payload, expiresAt: qr.expiresAt.toISOString() };
}

/** INS-05: a social-security card is bound only when it is the credential holder's own card. */
export async function bindSocialCard(ctx: AppContext, accountId: string, patientId: string, cardNo: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const number = cardNo.trim().toUpperCase();
  const own = await platformCall(() =>
    ctx.adapters.insurance.socialCardBelongs(ctx, tokenOf(ctx, c), number),
  );
  if (!own)
    throw conflict(
      'SOCIAL_CARD_NOT_OWN',
      '只能绑定本人实名身份的社保卡',
      'Only the social-security card of the patient’s own verified identity can be bound',
    );
  const now = ctx.clock.now();
  const [u] = await ctx.db
    .update(insuranceCredentials)
    .set({
      socialCardNoEnc: piiCipher(ctx.config).encrypt(number),
      socialCardNoMasked: number.slice(0, 2) + '*'.repeat(Math.max(0, number.length - 5)) + number.slice(-3),
      socialCardBoundAt: now,
      updatedAt: now,
    })
    .where(eq(insuranceCredentials.id, c.id))
    .returning();
  return credentialView(ctx, u);
}

/** INS-13: the personal account balance at the insurance platform. */
export async function accountBalance(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const b = await platformCall(() => ctx.adapters.insurance.balance(ctx, tokenOf(ctx, c)));
  return { balanceFen: b.balanceFen, at: ctx.clock.now().toISOString() };
}

/** INS-14: the personal account's consumption records, newest first. */
export async function consumptionRecords(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const c = await credentialOf(ctx, p);
  const rows = await platformCall(() => ctx.adapters.insurance.consumption(ctx, tokenOf(ctx, c)));
  return rows.map((r) => ({
    at: r.at.toISOString(),
    kind: r.kind,
    settlementNo: r.settlementNo,
    fundFen: r.fundFen,
    accountFen: r.accountFen,
    institution: r.institution,
  }));
}

export async function credentialOf(ctx: AppContext, p: PatientRecord): Promise<CredentialRow> {
  const [c] = await ctx.db
    .select()
    .from(insuranceCredentials)
    .where(and(eq(insuranceCredentials.patientId, p.id), eq(insuranceCredentials.state, 'active')));
  // Re-added or re-identified patients: the credential must still be this identity's.
  if (!c || c.personIdx !== blindIndexOf(ctx, p.idNumber)) throw credentialNotFound();
  return c;
}

export function tokenOf(ctx: AppContext, c: CredentialRow): string {
  if (c.tokenExpiresAt <= ctx.clock.now()) throw credentialExpired();
  return piiCipher(ctx.config).decrypt(c.ecTokenEnc);
}

function credentialView(ctx: AppContext, c: CredentialRow) {
  return {
    patientId: c.patientId,
    holderName: maskName(c.holderName),
    insuredNo:
      c.insuredNo.slice(0, 4) + '*'.repeat(Math.max(0, c.insuredNo.length - 8)) + c.insuredNo.slice(-4),
    insuranceType: c.insuranceType,
    areaCode: c.areaCode,
    areaName: c.areaName,
    state: c.tokenExpiresAt <= ctx.clock.now() ? ('expired' as const) : c.state,
    socialCardNo: c.socialCardNoMasked,
    socialCardBoundAt: c.socialCardBoundAt?.toISOString() ?? null,
    authorisedAt: c.authorisedAt.toISOString(),
    expiresAt: c.tokenExpiresAt.toISOString(),
  };
}

export function sameName(a: string, b: string) {
  const n = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').replace(/[•.]/g, '·').toUpperCase();
  return n(a) === n(b);
}

export async function platformCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if (err instanceof InsuranceError && err.code === 'TOKEN_EXPIRED') throw credentialExpired();
    throw unavailable();
  }
}
