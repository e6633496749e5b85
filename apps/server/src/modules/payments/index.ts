// Public surface of the payments module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export type {
  ChannelCode,
  PaymentOrderState,
  PaymentOrderView,
  RefundState,
  RefundView,
} from './contract.js';
export { PaymentSettled } from './events.js';
export { abnormalOrders, paymentNotifications, paymentOrders, refunds } from './schema.js';
export {
  CHECK_ORDER_JOB,
  RECONCILE_JOB,
  RETRY_REFUNDS_JOB,
  applyChannelPayment,
  closePaymentOrder,
  createPaymentOrder,
  getPaymentOrder,
  openAbnormal,
  registerBusinessHandler,
  requestRefund,
} from './service.js';
export { orderIdByNo, orderSummaries, refundsOfOrders } from './queries.js';
export type { OrderSummary } from './queries.js';
