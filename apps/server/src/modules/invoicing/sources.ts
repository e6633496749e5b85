import { and, arrayOverlaps, eq, inArray, isNull, or } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { providedInvoiceSources, type InvoiceSource } from '../../integrations/einvoice/index.js';
import { einvoices } from './schema.js';

export type { InvoiceSnapshot, InvoiceSource } from '../../integrations/einvoice/index.js';

/**
 * The kinds of payment that get e-invoices, each implemented by the module that owns its records
 * (billing: `bill`, registration: `registration`, inpatient: `inpatient`, insurance:
 * `insurance_secondary`) and registered through the invoice-source port when that module is built.
 * Invoicing reads a source's state only through its source, never its tables.
 */
export function invoiceSources(): ReadonlyMap<string, InvoiceSource> {
  return providedInvoiceSources();
}

export function findInvoiceSource(type: string): InvoiceSource | undefined {
  return providedInvoiceSources().get(type);
}

// Candidates are read a page at a time; each page costs one e-invoice query, however long it is.
const PAGE = 500;

/** Sources settled since `since` without the invoice they should have (a request a crash lost). */
export async function unrequestedOf(
  ctx: AppContext,
  type: string,
  source: InvoiceSource,
  since: Date,
  limit: number,
): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await source.candidates(ctx, since, cursor, PAGE);
    cursor = page.next;
    if (!page.items.length) continue;
    const rows = await ctx.db
      .select({ sourceId: einvoices.sourceId, kind: einvoices.kind, parts: einvoices.sourceParts })
      .from(einvoices)
      .where(
        and(
          eq(einvoices.sourceType, type),
          inArray(einvoices.sourceId, [...new Set(page.items.map((c) => c.sourceId))]),
        ),
      );
    for (const c of page.items) {
      const mine = rows.filter((r) => r.sourceId === c.sourceId);
      const invoiced = c.part
        ? mine.some((r) => r.kind === 'blue' && r.parts.includes(c.part!))
        : mine.length > 0;
      if (!invoiced && !found.includes(c.sourceId)) found.push(c.sourceId);
      if (found.length >= limit) return found;
    }
  } while (cursor);
  return found;
}

/** Sources with a part refunded or reversed since `since` that still have a live blue invoice. */
export async function refundedOf(
  ctx: AppContext,
  type: string,
  source: InvoiceSource,
  since: Date,
  limit: number,
): Promise<string[]> {
  const found = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await source.reversals(ctx, since, cursor, PAGE);
    cursor = page.next;
    // by source id where the owner names it (indexed), by covered part where it cannot
    const ids = [...new Set(page.items.flatMap((c) => (c.sourceId !== undefined ? [c.sourceId] : [])))];
    const parts = [...new Set(page.items.flatMap((c) => (c.sourceId === undefined ? c.parts : [])))];
    if (!ids.length && !parts.length) continue;
    const live = await ctx.db
      .select({ sourceId: einvoices.sourceId, parts: einvoices.sourceParts })
      .from(einvoices)
      .where(
        and(
          eq(einvoices.sourceType, type),
          eq(einvoices.kind, 'blue'),
          isNull(einvoices.reversedBy),
          inArray(einvoices.state, ['pending', 'issued', 'failed']),
          or(
            ids.length ? inArray(einvoices.sourceId, ids) : undefined,
            parts.length ? arrayOverlaps(einvoices.sourceParts, parts) : undefined,
          ),
        ),
      );
    for (const c of page.items) {
      for (const inv of live) {
        if (c.sourceId !== undefined && inv.sourceId !== c.sourceId) continue;
        if (!c.parts.some((p) => inv.parts.includes(p))) continue;
        found.add(inv.sourceId);
        if (found.size >= limit) return [...found];
      }
    }
  } while (cursor);
  return [...found];
}
