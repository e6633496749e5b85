import {
  abnormalReasonLabels,
  paymentBusinessTypeLabels,
  paymentChannelLabels,
  paymentOrderStateLabels,
  refundStateLabels,
  type PaymentBusinessType,
  type PaymentOrderState,
  type RefundState,
} from '@qingnang/contracts';
import type { Tr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const ORDER_COLORS: Partial<Record<PaymentOrderState, string>> = {
  paying: 'processing',
  paid: 'green',
  refunding: 'orange',
  partially_refunded: 'gold',
  refunded: 'blue',
};
const REFUND_COLORS: Partial<Record<RefundState, string>> = {
  processing: 'processing',
  succeeded: 'green',
  failed: 'red',
};

export const orderStateTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={paymentOrderStateLabels} code={s} colors={ORDER_COLORS} />
);

export const refundStateTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={refundStateLabels} code={s} colors={REFUND_COLORS} />
);

export const channelName = (tr: Tr, c: string | null) => (c ? codeLabel(tr, paymentChannelLabels, c) : '');

/** Business types of payment orders (the paying modules' names). */
export const BUSINESS_TYPES = Object.keys(paymentBusinessTypeLabels) as PaymentBusinessType[];

export const businessName = (tr: Tr, b: string) => codeLabel(tr, paymentBusinessTypeLabels, b);

/** Why an order was listed as abnormal, in words (the code stays in the row's data, not on screen). */
export const abnormalReasonName = (tr: Tr, r: string | null | undefined) =>
  r ? codeLabel(tr, abnormalReasonLabels, r) : '';
