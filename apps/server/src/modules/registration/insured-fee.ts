// Registration: fees paid from the insurance personal account (INS-09).

import { and, eq, gte } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { markSlotBooked } from '../scheduling/index.js';
import { registrations } from './schema.js';
import type { Registration } from './shared.js';
import { loadRegistration } from './queries.js';
import { labelsFor, notifyRegistration } from './notices.js';

export type InsuredFeeRefunder = (
  ctx: AppContext,
  reg: Registration,
  requestedBy: string,
) => Promise<{ id: string; state: 'requested' | 'processing' | 'succeeded' | 'failed' }>;
let insuredFeeRefunder: InsuredFeeRefunder | undefined;

/** The insurance module gives fees paid from the personal account back (idempotent per registration). */
export function registerInsuredFeeRefunder(refunder: InsuredFeeRefunder): void {
  insuredFeeRefunder = refunder;
}

export async function refundInsuredFee(ctx: AppContext, reg: Registration, requestedBy: string) {
  if (!insuredFeeRefunder) throw new Error('no insured fee refunder registered');
  return insuredFeeRefunder(ctx, reg, requestedBy);
}

/**
 * INS-09: the fee was paid from the insurance personal account (settlement `settlementNo`): the
 * locked registration is booked while its lock is live. Its cash order is detached, so a cash payment
 * arriving later is refused and refunded by the payment platform. Undefined when it was not locked.
 */
export async function confirmRegistrationPaidByInsurance(
  ctx: AppContext,
  registrationId: string,
  settlementNo: string,
): Promise<Registration | undefined> {
  const now = ctx.clock.now();
  const before = await loadRegistration(ctx.db, registrationId);
  const labels = await labelsFor(ctx, [before]);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({
        state: 'booked',
        paidAt: now,
        bookedAt: now,
        paymentOrderId: null,
        insuranceSettlementNo: settlementNo,
        lockExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(registrations.id, registrationId),
          eq(registrations.state, 'locked'),
          gte(registrations.lockExpiresAt, now),
        ),
      )
      .returning();
    if (!row) return undefined;
    if (!(await markSlotBooked(tx, row.slotId, row.id, now)))
      throw new Error('slot not held by its registration');
    if (row.accountId) await notifyRegistration(ctx, tx, row, 'registration.paid', {}, labels);
    return row;
  });
}
