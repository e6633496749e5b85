import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';

/** A visit card just bound to a platform patient (IDN-12). */
export interface BoundVisitCard {
  patientId: string;
  visitCardNo: string;
}

/**
 * What another module does when a visit card is bound: `record` runs inside the binding's
 * transaction (so it exists exactly when the binding does), `afterCommit` once it has committed.
 */
export interface VisitCardBoundHook {
  record(ctx: AppContext, tx: Db, card: BoundVisitCard): Promise<void>;
  afterCommit(ctx: AppContext, card: BoundVisitCard): Promise<void>;
  /** The HIS answered that it has no file for a card bound here: tell it again. */
  unknownToHis(ctx: AppContext, card: BoundVisitCard): Promise<void>;
}

const hooks: VisitCardBoundHook[] = [];

/** The HIS events module tells the HIS of each bound card through this (identity knows no HIS). */
export function onVisitCardBound(hook: VisitCardBoundHook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

export async function recordVisitCardBound(ctx: AppContext, tx: Db, card: BoundVisitCard): Promise<void> {
  for (const h of hooks) await h.record(ctx, tx, card);
}

export async function afterVisitCardBound(ctx: AppContext, card: BoundVisitCard): Promise<void> {
  for (const h of hooks) await h.afterCommit(ctx, card);
}

export async function visitCardUnknownToHis(ctx: AppContext, card: BoundVisitCard): Promise<void> {
  for (const h of hooks) await h.unknownToHis(ctx, card);
}
