import type { AppContext } from '../../platform/context.js';
import type { PaymentOrderState, RefundState, PaymentChannel as ChannelCode } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { PaymentOrderState, RefundState, PaymentChannel as ChannelCode } from '@qingnang/contracts';

/**
 * What business modules (registration, billing, inpatient ...) see of the payment platform.
 * The payments module implements these in service.ts; business modules import only this file's
 * types and the functions re-exported from payments/service.ts with these exact signatures.
 *
 *   createPaymentOrder(ctx, input: CreatePaymentOrderInput): Promise<PaymentOrderView>
 *   closePaymentOrder(ctx, orderId: string, reason: string): Promise<void>   // idempotent; no-op when already closed
 *   requestRefund(ctx, input: RefundRequestInput): Promise<RefundView>        // idempotent by refundKey
 *   getPaymentOrder(ctx, orderId: string): Promise<PaymentOrderView | undefined>
 *   registerBusinessHandler(businessType: string, handler: PaymentBusinessHandler): void
 */

/** 'credit': the platform's own credit-care ledger (modules/credit), paid only on credit. */

export interface CreatePaymentOrderInput {
  /** e.g. 'registration', 'bill', 'deposit' */
  businessType: string;
  businessId: string;
  accountId: string;
  patientId?: string;
  amountFen: number;
  subject: string;
  /** the channel order's expiry; equals the slot lock's deadline for registrations */
  expiresAt: Date;
  /** same key → same order (a repeated request does not create a second order) */
  idempotencyKey: string;
}

export interface PaymentOrderView {
  id: string;
  orderNo: string;
  businessType: string;
  businessId: string;
  accountId: string;
  amountFen: number;
  refundedFen: number;
  state: PaymentOrderState;
  channel: ChannelCode | null;
  expiresAt: Date;
  paidAt: Date | null;
}

export interface RefundRequestInput {
  orderId: string;
  amountFen: number;
  reason: string;
  /** idempotency: the same key returns the same refund and never refunds twice */
  refundKey: string;
  /** 'patient' | 'staff:<id>' | 'system' */
  requestedBy: string;
}

export interface RefundView {
  id: string;
  refundNo: string;
  orderId: string;
  amountFen: number;
  state: RefundState;
  reason: string;
  /** who asked: 'patient', 'system', 'staff:<id>' (a finance refund by hand)... */
  requestedBy: string;
  createdAt: Date;
  completedAt: Date | null;
}

export interface PaymentBusinessHandler {
  /**
   * Called exactly once when an order of this business type becomes paid (inside its own
   * transaction after the order's state change commits). Throwing marks the order abnormal and
   * refunds it in full automatically (e.g. the slot lock had already expired).
   */
  onPaid(ctx: AppContext, order: PaymentOrderView): Promise<void>;
  /** Optional: the order was closed unpaid (expiry or cancel). */
  onClosed?(ctx: AppContext, order: PaymentOrderView): Promise<void>;
  /** Optional: a refund of this business's order reached a final state. */
  onRefundFinished?(ctx: AppContext, order: PaymentOrderView, refund: RefundView): Promise<void>;
}
