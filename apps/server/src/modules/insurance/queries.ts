// Insurance: reading settlements (INS-12) — patient and finance.

import { and, desc, eq, gte, lt, notInArray, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { hospitalTime } from '../../platform/clock.js';
import { maskName } from '../../platform/pii.js';
import { getPatientById, getPatientForRecords } from '../identity/index.js';
import {
  insuranceSettlements,
  type InsuranceSettlementKind,
  type InsuranceSettlementState,
} from './schema.js';
import { credentialNotFound, settlementNotFound, type SettlementRow } from './shared.js';
import { cancelUnpaid } from './settlement.js';
import { startRefund } from './reversal.js';
import { ownSettlement, settlementView } from './helpers.js';

export async function listMySettlements(ctx: AppContext, accountId: string) {
  const rows = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.accountId, accountId))
    .orderBy(desc(insuranceSettlements.createdAt))
    .limit(200);
  const visible: SettlementRow[] = [];
  for (const r of rows)
    if (await getPatientForRecords(ctx, accountId, r.patientId).catch(() => undefined)) visible.push(r);
  return Promise.all(visible.map((r) => settlementView(ctx, r, { withBills: false })));
}

/** INS-12: my settlement with the insurance platform's own answer about it (null while it cannot be asked). */
export async function getMySettlement(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  const platform =
    s.state === 'pre_settled' || s.state === 'expired'
      ? null
      : await ctx.adapters.insurance.query(ctx, s.settlementNo).catch(() => null);
  return { ...(await settlementView(ctx, s)), platform };
}

export interface StaffSettlementFilter {
  state?: InsuranceSettlementState;
  kind?: InsuranceSettlementKind;
  settlementNo?: string;
  from?: string;
  to?: string;
  limit: number;
}

/** Finance: settlements with filters (hospital days from/to inclusive), newest first. */
export async function listSettlementsForStaff(ctx: AppContext, f: StaffSettlementFilter) {
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const conds: SQL[] = [];
  if (f.state) conds.push(eq(insuranceSettlements.state, f.state));
  if (f.kind) conds.push(eq(insuranceSettlements.kind, f.kind));
  if (f.settlementNo) conds.push(eq(insuranceSettlements.settlementNo, f.settlementNo));
  if (f.from) conds.push(gte(insuranceSettlements.createdAt, hospitalTime(f.from, '00:00', tz)));
  if (f.to)
    conds.push(
      lt(insuranceSettlements.createdAt, new Date(hospitalTime(f.to, '00:00', tz).getTime() + 86_400_000)),
    );
  conds.push(notInArray(insuranceSettlements.state, ['pre_settled', 'expired']));
  const rows = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(and(...conds))
    .orderBy(desc(insuranceSettlements.createdAt))
    .limit(f.limit);
  const out = [];
  for (const r of rows) {
    const patient = await getPatientById(ctx, r.patientId).catch(() => undefined);
    out.push({
      ...(await settlementView(ctx, r, { withBills: false })),
      patientName: maskName(patient?.name ?? ''),
    });
  }
  return out;
}

/** Finance: one settlement with its bills and the insurance platform's own record of it (INS-12). */
export async function getSettlementForStaff(ctx: AppContext, settlementId: string) {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.id, settlementId));
  if (!s) throw settlementNotFound();
  const platform = await ctx.adapters.insurance.query(ctx, s.settlementNo).catch(() => undefined);
  const patient = await getPatientById(ctx, s.patientId).catch(() => undefined);
  return {
    ...(await settlementView(ctx, s)),
    patientName: maskName(patient?.name ?? ''),
    lastError: s.lastError,
    attempts: s.attempts,
    requestedBy: s.requestedBy,
    platform: platform ?? null,
  };
}

/**
 * INS-10/11 at the window: finance cancels an unpaid settlement, or refunds a settled one after
 * the patient authorised it (the online time window does not apply; execution and invoices do).
 */
export async function staffCancelSettlement(
  ctx: AppContext,
  staffId: string,
  settlementId: string,
  reason: string,
) {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.id, settlementId));
  if (!s) throw settlementNotFound();
  if (s.state === 'settled' || s.state === 'refunding' || s.state === 'refunded')
    await startRefund(ctx, s, { requestedBy: `staff:${staffId}`, ignoreWindow: true, reason });
  else await cancelUnpaid(ctx, s, reason, `staff:${staffId}`);
  return getSettlementForStaff(ctx, s.id);
}

/** The sandbox credential page: an authorisation code for the patient's own identity (demo only). */
export async function sandboxAuthCode(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const sandbox = ctx.adapters.insurance as {
    issueAuthCode?: (x: { name: string; idNumber: string }) => string;
  };
  if (!sandbox.issueAuthCode) throw credentialNotFound();
  return { authCode: sandbox.issueAuthCode({ name: p.name, idNumber: p.idNumber }) };
}
