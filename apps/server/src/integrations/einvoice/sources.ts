import type { AppContext } from '../../platform/context.js';
import type { EInvoiceCategory, EInvoiceItem, InsuranceSplit } from './index.js';

/** One printed line of a source's invoice, with the part of the source it belongs to. */
export type InvoiceSourceItem = EInvoiceItem & { part: string };

/** What a blue invoice of a source covers now: the parts still kept (a refunded bill drops out). */
export interface InvoiceSnapshot {
  category: EInvoiceCategory;
  title: string;
  accountId: string;
  patientId: string;
  orderId: string | null;
  orderNo: string | null;
  paidAt: Date;
  items: InvoiceSourceItem[];
  /** paid partly by medical insurance: the split the medical invoice prints */
  insuranceSplit?: InsuranceSplit;
  /**
   * Which of a source's successive contents this is, when a source can be settled again after a
   * reversal (an inpatient stay): it keys the blue invoice, so each content is invoiced once.
   */
  version?: string;
}

/**
 * A settled record that should carry a blue invoice. Without `part`, it needs one while it has no
 * e-invoice at all; with `part`, while no blue invoice of it covers that part (a content settled again).
 */
export interface InvoiceCandidate {
  sourceId: string;
  part?: string;
}

/**
 * Parts that left their invoice (refunded, reversed, moved): a live blue invoice of this source type
 * covering any of them (and of `sourceId`, when given) is red-lettered.
 */
export interface ReversalCandidate {
  sourceId?: string;
  parts: string[];
}

/** One page of candidates, oldest first; `next` continues after the last one. */
export interface CandidatePage<T> {
  items: T[];
  next?: string;
}

/**
 * The invoice-source port: a module whose settled records get e-invoices implements this over its
 * own tables and registers it with `provideInvoiceSource` when it is built. The invoicing module keeps
 * the e-invoice side (which candidates already have an invoice) and never reads the owner's tables.
 * It lives below the modules so that every owner can fill it without importing invoicing.
 */
export interface InvoiceSource {
  category: EInvoiceCategory;
  /** the invoiceable content, or undefined while nothing is (not yet confirmed, or wholly refunded) */
  snapshot(ctx: AppContext, sourceId: string): Promise<InvoiceSnapshot | undefined>;
  /** which of these parts were refunded */
  refundedParts(ctx: AppContext, parts: string[]): Promise<string[]>;
  /** which of these parts had a paper invoice printed (at a window or a kiosk) */
  printedParts(ctx: AppContext, parts: string[]): Promise<string[]>;
  /** records with the owner that a paper copy of these parts was printed (it then refuses online refunds) */
  markPrinted(ctx: AppContext, parts: string[]): Promise<void>;
  /** records settled since `since` that should be invoiced (a page after `cursor`) */
  candidates(
    ctx: AppContext,
    since: Date,
    cursor: string | undefined,
    limit: number,
  ): Promise<CandidatePage<InvoiceCandidate>>;
  /** parts refunded or reversed since `since` (a page after `cursor`) */
  reversals(
    ctx: AppContext,
    since: Date,
    cursor: string | undefined,
    limit: number,
  ): Promise<CandidatePage<ReversalCandidate>>;
  /** why a red letter of this source is issued (printed on it); an online refund unless said */
  reversalReason?: string;
}

const provided = new Map<string, InvoiceSource>();

/** An owner module registers its source (keyed by the e-invoice's source type); the last one wins. */
export function provideInvoiceSource(sourceType: string, source: InvoiceSource): void {
  provided.set(sourceType, source);
}

/** The registered sources, by source type. */
export function providedInvoiceSources(): ReadonlyMap<string, InvoiceSource> {
  return provided;
}

/**
 * A keyset cursor over (time, id): what `next` holds and `cursor` takes back. The time is the
 * database's own text of the timestamp (microseconds kept), so a page never repeats or skips a row.
 */
export const cursorOf = (at: string, id: string) => `${at}|${id}`;
export function parseCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  const i = cursor.indexOf('|');
  return { at: cursor.slice(0, i), id: cursor.slice(i + 1) };
}

/** db.execute answers differ by driver (node-postgres: { rows }, PGlite: { rows } too, older: an array). */
export function rowsOf<T>(r: unknown): T[] {
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}
