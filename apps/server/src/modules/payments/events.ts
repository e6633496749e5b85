import { defineEvent } from '../../platform/events.js';

/**
 * The business a payment paid for is settled (a registration confirmed, an outpatient bill
 * confirmed by the HIS ...): published by the business module in the transaction that settles it.
 * `sourceType` is the payment's business type, `sourceId` the business object. Invoicing issues the
 * e-invoice from it; a subscriber must tolerate business types it does not know.
 */
export const PaymentSettled = defineEvent<{ sourceType: string; sourceId: string }>(
  'payments.business-settled',
);
