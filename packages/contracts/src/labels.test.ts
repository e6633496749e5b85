import { describe, expect, it } from 'vitest';
import type { RegistrationState as ServerRegistrationState } from '../../../apps/server/src/modules/registration/index.js';
import type {
  ChannelCode,
  PaymentOrderState as ServerPaymentOrderState,
  RefundState as ServerRefundState,
} from '../../../apps/server/src/modules/payments/index.js';
import type { BillState as ServerBillState } from '../../../apps/server/src/modules/billing/index.js';
import { BOOKING_STATES } from '../../../apps/server/src/modules/exams/index.js';
import { PRESCRIPTION_STATES } from '../../../apps/server/src/modules/pharmacy/index.js';
import {
  FLAGS,
  REPORT_KINDS,
  REPORT_SETTINGS,
  REPORT_STATUSES,
} from '../../../apps/server/src/modules/reports/index.js';
import type {
  DepositState as ServerDepositState,
  SettlementState as ServerSettlementState,
} from '../../../apps/server/src/modules/inpatient/index.js';
import type { InsuranceSettlementState as ServerInsuranceState } from '../../../apps/server/src/modules/insurance/index.js';
import type { DeliveryState as ServerDeliveryState } from '../../../apps/server/src/modules/notifications/index.js';
import { templateNames } from '../../../apps/server/src/modules/notifications/index.js';
import {
  billStateLabels,
  deliveryStateLabels,
  depositStateLabels,
  dischargeSettlementStateLabels,
  examBookingStateLabels,
  insuranceSettlementStateLabels,
  labelOf,
  notificationTemplateLabels,
  paymentChannelLabels,
  paymentOrderStateLabels,
  prescriptionStateLabels,
  refundStateLabels,
  registrationStateLabels,
  reportKindLabels,
  reportSettingLabels,
  reportStatusLabels,
  resultFlagLabels,
  type Label,
} from './labels.js';

// A state the server stores but the labels lack fails the type check right here.
const serverStatesHaveLabels: Array<Record<string, Label>> = [
  registrationStateLabels satisfies Record<ServerRegistrationState, Label>,
  paymentOrderStateLabels satisfies Record<ServerPaymentOrderState, Label>,
  refundStateLabels satisfies Record<ServerRefundState, Label>,
  paymentChannelLabels satisfies Record<ChannelCode, Label>,
  billStateLabels satisfies Record<ServerBillState, Label>,
  depositStateLabels satisfies Record<ServerDepositState, Label>,
  dischargeSettlementStateLabels satisfies Record<ServerSettlementState, Label>,
  insuranceSettlementStateLabels satisfies Record<ServerInsuranceState, Label>,
  deliveryStateLabels satisfies Record<ServerDeliveryState, Label>,
];

/** Registers every module's templates, as the app does when it starts. */
async function registerAllTemplates() {
  const modules = await Promise.all([
    import('../../../apps/server/src/modules/registration/index.js'),
    import('../../../apps/server/src/modules/insurance/index.js'),
    import('../../../apps/server/src/modules/inpatient/index.js'),
    import('../../../apps/server/src/modules/invoicing/index.js'),
    import('../../../apps/server/src/modules/credit/index.js'),
    import('../../../apps/server/src/modules/billing/index.js'),
    import('../../../apps/server/src/modules/exams/index.js'),
    import('../../../apps/server/src/modules/blacklist/index.js'),
    import('../../../apps/server/src/modules/reports/index.js'),
    import('../../../apps/server/src/modules/pharmacy/index.js'),
  ]);
  for (const m of modules)
    for (const [name, fn] of Object.entries(m as Record<string, unknown>))
      if (/^register\w*Templates$/.test(name) && typeof fn === 'function' && fn.length === 0) fn();
}

describe('one zh/en label for every state and code', () => {
  it('labels every notification template the server can send, in both languages', async () => {
    await registerAllTemplates();
    const names = templateNames();
    expect(names.length).toBeGreaterThan(40);
    const missing = names.filter((n) => !Object.hasOwn(notificationTemplateLabels, n));
    expect(missing).toEqual([]);
  });

  it('labels every state listed by the server modules at run time', () => {
    const cases: Array<[readonly string[], Record<string, Label>]> = [
      [BOOKING_STATES, examBookingStateLabels],
      [PRESCRIPTION_STATES, prescriptionStateLabels],
      [REPORT_KINDS, reportKindLabels],
      [REPORT_STATUSES, reportStatusLabels],
      [REPORT_SETTINGS, reportSettingLabels],
      [FLAGS, resultFlagLabels],
    ];
    for (const [states, table] of cases) expect(Object.keys(table).sort()).toEqual([...states].sort());
    expect(serverStatesHaveLabels.length).toBe(9);
  });

  it('gives Chinese words, never the code, and a neutral word for a code it does not know', () => {
    const all = [
      ...Object.values(registrationStateLabels),
      ...Object.values(paymentOrderStateLabels),
      ...Object.values(notificationTemplateLabels),
    ];
    for (const label of all) {
      expect(label.zh).toMatch(/[\u4e00-\u9fa5]/);
      expect(label.en).not.toMatch(/^[a-z_.-]+$/);
    }
    expect(labelOf(paymentOrderStateLabels, 'paid', 'zh')).toBe('已支付');
    expect(labelOf(paymentOrderStateLabels, 'paid', 'en')).toBe('Paid');
    expect(labelOf(paymentOrderStateLabels, 'teleported', 'zh')).toBe('未知状态');
    expect(labelOf(paymentOrderStateLabels, 'constructor', 'en')).toBe('Unknown');
    expect(labelOf(paymentOrderStateLabels, undefined, 'zh')).toBe('未知状态');
  });
});
