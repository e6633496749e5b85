import type { AppContext } from '../../platform/context.js';

/**
 * What happens after a payment is settled (e.g. an outpatient bill payment confirmed by the HIS):
 * paying modules call paymentSettled, interested modules (invoicing) listen. A listener that fails
 * never fails the payment: its own sweep catches up.
 */
export type SettlementListener = (ctx: AppContext, sourceType: string, sourceId: string) => Promise<unknown>;

const listeners = new Map<string, SettlementListener>();

export function onPaymentSettled(name: string, listener: SettlementListener): void {
  listeners.set(name, listener);
}

export async function paymentSettled(ctx: AppContext, sourceType: string, sourceId: string): Promise<void> {
  for (const [name, listener] of listeners) {
    try {
      await listener(ctx, sourceType, sourceId);
    } catch (err) {
      ctx.log.error({ err, listener: name, sourceType, sourceId }, 'payment-settled listener failed');
    }
  }
}
