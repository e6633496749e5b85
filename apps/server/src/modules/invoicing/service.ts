import { and, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { DomainError, conflict } from '../../platform/errors.js';
import { businessNumberSql, newId } from '../../platform/ids.js';
import { EInvoiceError, type EInvoiceKind } from '../../integrations/einvoice/index.js';
import type { Channel } from '../gateway/index.js';
import {
  blindIndexOf,
  findAccountPatientsByPerson,
  findPatientsByVisitCard,
  getPatientById,
  getPatientForRecords,
} from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { maskPersonName } from '../registration/index.js';
import { einvoices, type EInvoiceState } from './schema.js';
import {
  findInvoiceSource,
  invoiceSources,
  refundedOf,
  unrequestedOf,
  type InvoiceSource,
} from './sources.js';

export const ISSUE_JOB = 'invoicing.issue';
export const SWEEP_JOB = 'invoicing.sweep';

type InvoiceRow = typeof einvoices.$inferSelect;

export const einvoiceNotFound = () =>
  new DomainError('EINVOICE_NOT_FOUND', 404, '电子票据不存在', 'E-invoice not found');

// A settled payment whose invoice request a crash lost is found by the sweep for this long.
const DISCOVERY_WINDOW_MS = 7 * 86_400_000;
const CLAIM_MS = 2 * 60_000;
const backoffMs = (attempts: number) => Math.min(2 ** Math.max(0, attempts - 1), 60) * 60_000;

function sourceOf(type: string): InvoiceSource {
  const s = findInvoiceSource(type);
  if (!s) throw new Error(`unknown e-invoice source ${type}`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Requesting and issuing
// ---------------------------------------------------------------------------------------------

/**
 * A payment was settled (an outpatient bill payment confirmed by the HIS ...): its blue e-invoice is
 * requested once, whoever calls and however often (keyed by source), and issued by the job.
 */
export async function requestEInvoice(ctx: AppContext, sourceType: string, sourceId: string) {
  const snap = await sourceOf(sourceType).snapshot(ctx, sourceId);
  if (!snap) return undefined;
  const id = await insertBlue(ctx, sourceType, sourceId, 1, snap);
  if (id) await ctx.jobs.send(ISSUE_JOB, { invoiceId: id }, { singletonKey: id });
  return id;
}

async function insertBlue(
  ctx: AppContext,
  sourceType: string,
  sourceId: string,
  n: number,
  snap: NonNullable<Awaited<ReturnType<InvoiceSource['snapshot']>>>,
  db: AppContext['db'] = ctx.db,
) {
  const patient = await getPatientById(ctx, snap.patientId, db).catch(() => undefined);
  if (!patient) return undefined;
  const now = ctx.clock.now();
  const id = newId();
  const inserted = await db
    .insert(einvoices)
    .values({
      id,
      requestKey: `${sourceType}:${sourceId}:blue:${snap.version ?? n}`,
      serialNo: businessNumberSql(ctx.clock, 'EI'),
      kind: 'blue',
      category: snap.category,
      sourceType,
      sourceId,
      sourceParts: [...new Set(snap.items.map((i) => i.part))],
      accountId: snap.accountId,
      patientId: snap.patientId,
      patientIdx: blindIndexOf(ctx, patient.idNumber),
      payerName: patient.name,
      orderId: snap.orderId,
      orderNo: snap.orderNo,
      title: snap.title,
      items: snap.items,
      amountFen: snap.items.reduce((s, i) => s + i.amountFen, 0),
      insuranceSplit: snap.insuranceSplit ?? null,
      paidAt: snap.paidAt,
      state: 'pending',
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: einvoices.requestKey })
    .returning({ id: einvoices.id });
  return inserted[0]?.id;
}

/**
 * One issuing attempt, claimed by moving the next attempt time (two workers never call the platform
 * for one invoice at once; should a slow call outlive the claim, the platform knows the serial number
 * and answers with the same invoice).
 */
export async function attemptIssue(ctx: AppContext, invoiceId: string): Promise<void> {
  const now = ctx.clock.now();
  const [inv] = await ctx.db
    .update(einvoices)
    .set({
      attempts: sql`${einvoices.attempts} + 1`,
      nextAttemptAt: new Date(now.getTime() + CLAIM_MS),
      updatedAt: now,
    })
    .where(
      and(eq(einvoices.id, invoiceId), eq(einvoices.state, 'pending'), lte(einvoices.nextAttemptAt, now)),
    )
    .returning();
  if (!inv) return;
  let original: InvoiceRow | undefined;
  if (inv.kind === 'red') {
    [original] = await ctx.db.select().from(einvoices).where(eq(einvoices.id, inv.originalId!));
  } else if ((await sourceOf(inv.sourceType).refundedParts(ctx, inv.sourceParts)).length) {
    // Refunded before it was issued: the sweep cancels it and requests one for what was kept.
    await ctx.db.update(einvoices).set({ nextAttemptAt: now }).where(eq(einvoices.id, inv.id));
    return;
  }
  try {
    const issued = await ctx.adapters.einvoice.issue(ctx, {
      serialNo: inv.serialNo,
      kind: inv.kind,
      category: inv.category,
      payerName: inv.payerName,
      items: inv.items,
      amountFen: inv.amountFen,
      paidAt: inv.paidAt,
      orderNo: inv.orderNo,
      insurance: inv.insuranceSplit ?? undefined,
      original: original
        ? {
            invoiceCode: original.invoiceCode!,
            invoiceNo: original.invoiceNo!,
            reason: sourceOf(inv.sourceType).reversalReason ?? '线上退费 / refunded online',
          }
        : undefined,
    });
    const done = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      const [ok] = await tx
        .update(einvoices)
        .set({
          state: 'issued',
          invoiceCode: issued.invoiceCode,
          invoiceNo: issued.invoiceNo,
          checkCode: issued.checkCode,
          verifyUrl: issued.verifyUrl,
          issuedAt: issued.issuedAt,
          pdf: issued.pdf,
          lastError: null,
          updatedAt: done,
        })
        .where(and(eq(einvoices.id, inv.id), eq(einvoices.state, 'pending')))
        .returning({ id: einvoices.id });
      if (!ok) return;
      await notify(
        ctx,
        {
          accountId: inv.accountId,
          template: inv.kind === 'blue' ? 'einvoice.issued' : 'einvoice.reversed',
          data: {
            invoiceId: inv.id,
            patientName: inv.payerName,
            amount: formatYuan(inv.amountFen),
            invoiceNo: issued.invoiceNo,
          },
        },
        tx,
      );
    });
  } catch (err) {
    const code = err instanceof EInvoiceError ? err.code : 'ERROR';
    const error = `${code}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
    const final =
      (err instanceof EInvoiceError && !err.retryable) || inv.attempts >= ctx.config.EINVOICE_MAX_ATTEMPTS;
    ctx.log.warn({ invoiceId, attempts: inv.attempts, error }, 'e-invoice not issued');
    await ctx.db
      .update(einvoices)
      .set({
        state: final ? 'failed' : 'pending',
        lastError: error,
        nextAttemptAt: new Date(ctx.clock.now().getTime() + backoffMs(inv.attempts)),
        updatedAt: ctx.clock.now(),
      })
      .where(and(eq(einvoices.id, inv.id), eq(einvoices.state, 'pending')));
  }
}

/**
 * The sweep (cron, every minute): invoices for settled payments whose request was lost, red letters
 * for refunded ones, and the due issuing attempts. Every step is idempotent, so two instances or a
 * repeated run change nothing twice.
 */
export async function sweepEInvoices(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  for (const [type, source] of invoiceSources()) {
    for (const id of await unrequestedOf(
      ctx,
      type,
      source,
      new Date(now.getTime() - DISCOVERY_WINDOW_MS),
      100,
    )) {
      await requestEInvoice(ctx, type, id).catch((err) =>
        ctx.log.error({ err, type, id }, 'e-invoice request failed'),
      );
    }
  }
  await reverseRefunded(ctx);
  const due = await ctx.db
    .select({ id: einvoices.id })
    .from(einvoices)
    .where(and(eq(einvoices.state, 'pending'), lte(einvoices.nextAttemptAt, ctx.clock.now())))
    .orderBy(einvoices.nextAttemptAt)
    .limit(100);
  for (const d of due) {
    await attemptIssue(ctx, d.id).catch((err) =>
      ctx.log.error({ err, invoiceId: d.id }, 'e-invoice attempt failed'),
    );
  }
}

/**
 * An online refund of (part of) an invoiced payment: the issued blue invoice is red-lettered in full
 * (冲红) and a new blue invoice covers what the payer kept; one not yet issued is cancelled instead.
 * Keyed by the original invoice, so it happens once.
 */
async function reverseRefunded(ctx: AppContext) {
  const since = new Date(ctx.clock.now().getTime() - DISCOVERY_WINDOW_MS);
  for (const [type, source] of invoiceSources()) {
    const ids = await refundedOf(ctx, type, source, since, 100);
    if (!ids.length) continue;
    const live = await ctx.db
      .select()
      .from(einvoices)
      .where(
        and(
          eq(einvoices.sourceType, type),
          inArray(einvoices.sourceId, ids),
          eq(einvoices.kind, 'blue'),
          isNull(einvoices.reversedBy),
          inArray(einvoices.state, ['pending', 'issued', 'failed']),
        ),
      );
    for (const inv of live) await reverseOne(ctx, source, inv);
  }
}

async function reverseOne(ctx: AppContext, source: InvoiceSource, inv: InvoiceRow) {
  if (!(await source.refundedParts(ctx, inv.sourceParts)).length) return;
  const kept = await source.snapshot(ctx, inv.sourceId);
  const blues = await ctx.db
    .select({ id: einvoices.id })
    .from(einvoices)
    .where(
      and(
        eq(einvoices.sourceType, inv.sourceType),
        eq(einvoices.sourceId, inv.sourceId),
        eq(einvoices.kind, 'blue'),
      ),
    );
  const now = ctx.clock.now();
  const queued: string[] = [];
  await ctx.db.transaction(async (tx) => {
    if (inv.state === 'issued') {
      const redId = newId();
      const [red] = await tx
        .insert(einvoices)
        .values({
          ...inv,
          id: redId,
          requestKey: `red:${inv.id}`,
          serialNo: businessNumberSql(ctx.clock, 'EIR'),
          kind: 'red',
          originalId: inv.id,
          reversedBy: null,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          invoiceCode: null,
          invoiceNo: null,
          checkCode: null,
          verifyUrl: null,
          issuedAt: null,
          pdf: null,
          printedAt: null,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: einvoices.requestKey })
        .returning({ id: einvoices.id });
      if (!red) return;
      await tx.update(einvoices).set({ reversedBy: red.id, updatedAt: now }).where(eq(einvoices.id, inv.id));
      queued.push(red.id);
    } else {
      // Not issued yet: cancelled, unless an attempt holds it right now (the next sweep sees it issued).
      const [c] = await tx
        .update(einvoices)
        .set({ state: 'cancelled', updatedAt: now })
        .where(
          and(
            eq(einvoices.id, inv.id),
            or(
              eq(einvoices.state, 'failed'),
              and(eq(einvoices.state, 'pending'), lte(einvoices.nextAttemptAt, now)),
            ),
          ),
        )
        .returning({ id: einvoices.id });
      if (!c) return;
    }
    if (kept) {
      const id = await insertBlue(ctx, inv.sourceType, inv.sourceId, blues.length + 1, kept, tx);
      if (id) queued.push(id);
    }
  });
  for (const id of queued) await ctx.jobs.send(ISSUE_JOB, { invoiceId: id }, { singletonKey: id });
}

// ---------------------------------------------------------------------------------------------
// Patients
// ---------------------------------------------------------------------------------------------

/** PAY-10: the e-invoices of one of my patients (or a family member who consented), newest first. */
export async function listPatientInvoices(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  if (!p.verified) return [];
  const rows = await ctx.db
    .select()
    .from(einvoices)
    .where(
      and(
        eq(einvoices.patientIdx, blindIndexOf(ctx, p.idNumber)),
        inArray(einvoices.state, ['pending', 'issued', 'failed']),
      ),
    )
    .orderBy(desc(einvoices.createdAt))
    .limit(200);
  return invoiceViews(ctx, rows);
}

/** One e-invoice, answered exactly like a missing one unless it belongs to one of my (consenting) patients. */
export async function getPatientInvoice(ctx: AppContext, accountId: string, invoiceId: string) {
  const { inv, patientId } = await ownInvoice(ctx, accountId, invoiceId);
  const [view] = await invoiceViews(ctx, [inv]);
  return { ...view, patientId, items: inv.items.map(({ part: _part, ...i }) => i) };
}

/** The PDF as the e-invoice platform issued it. */
export async function patientInvoicePdf(ctx: AppContext, accountId: string, invoiceId: string) {
  const { inv, patientId } = await ownInvoice(ctx, accountId, invoiceId);
  if (inv.state !== 'issued' || !inv.pdf)
    throw conflict(
      'EINVOICE_NOT_ISSUED',
      '电子票据尚在开具中，请稍后再试',
      'The e-invoice is not issued yet',
      {
        state: inv.state,
      },
    );
  return { pdf: inv.pdf, filename: `einvoice-${inv.invoiceCode}-${inv.invoiceNo}.pdf`, patientId };
}

/** The invoice and which of my patients it is for (the first whose records are open to me). */
async function ownInvoice(
  ctx: AppContext,
  accountId: string,
  invoiceId: string,
): Promise<{ inv: InvoiceRow; patientId: string }> {
  const [inv] = await ctx.db.select().from(einvoices).where(eq(einvoices.id, invoiceId));
  if (!inv || inv.state === 'cancelled') throw einvoiceNotFound();
  const candidates = await findAccountPatientsByPerson(ctx, accountId, { idNumberIdx: inv.patientIdx });
  for (const id of candidates) {
    const p = await getPatientForRecords(ctx, accountId, id).catch(() => undefined);
    if (p?.verified) return { inv, patientId: p.id };
  }
  throw einvoiceNotFound();
}

export type InvoiceStatus = 'issuing' | 'issued' | 'failed' | 'reversed' | 'printed';

async function invoiceViews(ctx: AppContext, rows: InvoiceRow[]) {
  const printed = new Set<string>();
  for (const [type, source] of invoiceSources()) {
    const parts = rows
      .filter((r) => r.sourceType === type && r.kind === 'blue')
      .flatMap((r) => r.sourceParts);
    for (const p of await source.printedParts(ctx, parts)) printed.add(p);
  }
  return rows.map((r) => {
    const isPrinted = !!r.printedAt || (r.kind === 'blue' && r.sourceParts.some((p) => printed.has(p)));
    const status: InvoiceStatus =
      r.state === 'pending'
        ? 'issuing'
        : r.state === 'failed'
          ? 'failed'
          : r.reversedBy
            ? 'reversed'
            : isPrinted
              ? 'printed'
              : 'issued';
    return {
      id: r.id,
      kind: r.kind,
      category: r.category,
      status,
      state: r.state,
      title: r.title,
      payerName: r.payerName,
      patientId: r.patientId,
      amountFen: r.kind === 'red' ? -r.amountFen : r.amountFen,
      insuranceSplit: r.insuranceSplit ?? null,
      paidAt: r.paidAt.toISOString(),
      orderNo: r.orderNo,
      invoiceCode: r.invoiceCode,
      invoiceNo: r.invoiceNo,
      checkCode: r.checkCode,
      verifyUrl: r.verifyUrl,
      issuedAt: r.issuedAt?.toISOString() ?? null,
      printed: isPrinted,
      originalId: r.originalId,
      reversedBy: r.reversedBy,
      createdAt: r.createdAt.toISOString(),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Public verification and printing
// ---------------------------------------------------------------------------------------------

/** Anyone holding an invoice can check it: genuine only when code, number and check code all match. */
export async function verifyEInvoice(
  ctx: AppContext,
  q: { invoiceCode: string; invoiceNo: string; checkCode: string },
) {
  const [inv] = await ctx.db
    .select()
    .from(einvoices)
    .where(
      and(
        eq(einvoices.invoiceCode, q.invoiceCode),
        eq(einvoices.invoiceNo, q.invoiceNo),
        eq(einvoices.state, 'issued'),
      ),
    );
  if (!inv || inv.checkCode?.toUpperCase() !== q.checkCode.toUpperCase()) return { genuine: false as const };
  return {
    genuine: true as const,
    kind: inv.kind,
    invoiceCode: inv.invoiceCode!,
    invoiceNo: inv.invoiceNo!,
    payerName: maskPersonName(inv.payerName),
    amountFen: inv.kind === 'red' ? -inv.amountFen : inv.amountFen,
    issuedAt: inv.issuedAt!.toISOString(),
    reversed: !!inv.reversedBy,
    payeeName: ctx.config.EINVOICE_PAYEE_NAME,
  };
}

/**
 * PAY-11: a paper copy was printed at a window or a kiosk. The e-invoice shows it, and the bills it
 * covers are marked invoiced with billing, which then refuses online refunds (INVOICE_PRINTED).
 */
export async function markInvoicePrinted(
  ctx: AppContext,
  _channel: Channel,
  q: { invoiceCode: string; invoiceNo: string },
) {
  const [inv] = await ctx.db
    .select()
    .from(einvoices)
    .where(and(eq(einvoices.invoiceCode, q.invoiceCode), eq(einvoices.invoiceNo, q.invoiceNo)));
  if (!inv || inv.state !== 'issued') throw einvoiceNotFound();
  if (inv.kind === 'red' || inv.reversedBy)
    throw conflict(
      'EINVOICE_REVERSED',
      '该电子票据已冲红，不能打印',
      'The e-invoice was reversed and cannot be printed',
    );
  const now = ctx.clock.now();
  await ctx.db
    .update(einvoices)
    .set({ printedAt: now, updatedAt: now })
    .where(and(eq(einvoices.id, inv.id), isNull(einvoices.printedAt)));
  await sourceOf(inv.sourceType).markPrinted(ctx, inv.sourceParts);
  return { invoiceCode: inv.invoiceCode, invoiceNo: inv.invoiceNo, printed: true };
}

/**
 * PAY-11 at a window or kiosk: the card holder's issued e-invoices (the kiosk has read the visit card),
 * newest first, for the patient to choose one to print.
 */
export async function kioskInvoicesOfCard(ctx: AppContext, visitCardNo: string) {
  const holders = await findPatientsByVisitCard(ctx, visitCardNo);
  const idx = [...new Set(holders.map((h) => blindIndexOf(ctx, h.idNumber)))];
  if (!idx.length) return [];
  const rows = await ctx.db
    .select()
    .from(einvoices)
    .where(and(inArray(einvoices.patientIdx, idx), eq(einvoices.state, 'issued')))
    .orderBy(desc(einvoices.issuedAt))
    .limit(100);
  const views = await invoiceViews(ctx, rows);
  return views.map((v) => ({
    invoiceCode: v.invoiceCode!,
    invoiceNo: v.invoiceNo!,
    kind: v.kind,
    category: v.category,
    status: v.status,
    title: v.title,
    payerName: maskPersonName(v.payerName),
    amountFen: v.amountFen,
    issuedAt: v.issuedAt,
    printed: v.printed,
  }));
}

/** The PDF of an issued e-invoice for the kiosk to print. */
export async function kioskInvoicePdf(ctx: AppContext, q: { invoiceCode: string; invoiceNo: string }) {
  const [inv] = await ctx.db
    .select()
    .from(einvoices)
    .where(
      and(
        eq(einvoices.invoiceCode, q.invoiceCode),
        eq(einvoices.invoiceNo, q.invoiceNo),
        eq(einvoices.state, 'issued'),
      ),
    );
  if (!inv?.pdf) throw einvoiceNotFound();
  return { pdf: inv.pdf, filename: `einvoice-${inv.invoiceCode}-${inv.invoiceNo}.pdf` };
}

// ---------------------------------------------------------------------------------------------
// Finance
// ---------------------------------------------------------------------------------------------

export async function listInvoicesForStaff(
  ctx: AppContext,
  filter: { state?: EInvoiceState; kind?: EInvoiceKind },
) {
  const rows = await ctx.db
    .select()
    .from(einvoices)
    .where(
      and(
        filter.state ? eq(einvoices.state, filter.state) : undefined,
        filter.kind ? eq(einvoices.kind, filter.kind) : undefined,
      ),
    )
    .orderBy(desc(einvoices.createdAt))
    .limit(500);
  const views = await invoiceViews(ctx, rows);
  return views.map((v, i) => ({
    ...v,
    payerName: maskPersonName(v.payerName),
    attempts: rows[i].attempts,
    lastError: rows[i].lastError,
    sourceType: rows[i].sourceType,
    sourceId: rows[i].sourceId,
  }));
}

/** Finance re-issues a failed invoice (after the platform or the configuration was put right): tried at once. */
export async function reissueEInvoice(ctx: AppContext, invoiceId: string) {
  const now = ctx.clock.now();
  const [inv] = await ctx.db
    .update(einvoices)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now })
    .where(and(eq(einvoices.id, invoiceId), eq(einvoices.state, 'failed')))
    .returning();
  if (!inv) {
    const [cur] = await ctx.db.select().from(einvoices).where(eq(einvoices.id, invoiceId));
    if (!cur) throw einvoiceNotFound();
    throw conflict(
      'EINVOICE_NOT_FAILED',
      '只有开具失败的电子票据可以重开',
      'Only a failed e-invoice can be re-issued',
      {
        state: cur.state,
      },
    );
  }
  await attemptIssue(ctx, inv.id);
  const [after] = await ctx.db.select().from(einvoices).where(eq(einvoices.id, inv.id));
  return (await invoiceViews(ctx, [after]))[0];
}
