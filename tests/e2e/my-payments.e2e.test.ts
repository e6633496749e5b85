import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  api,
  bookAndPay,
  findBookableSchedule,
  hisBill,
  integrationChannel,
  patientWithSelf,
  pushVisit,
} from './support/api.js';
import type { IntegrationChannel } from './support/api.js';
import { launch, phoneAs, snap } from './support/browser.js';

// PAY-07 我的缴费 / 交易记录 in the browser: a paid registration and an outpatient bill payment
// started but not finished, each under its tab with its business label.

let browser: Browser;
let his: IntegrationChannel;
beforeAll(async () => {
  browser = await launch();
  his = await integrationChannel(['his.visits.push', 'his.bills.push']);
});
afterAll(async () => browser?.close());

describe('my payments on the patient H5', () => {
  it('lists a paid registration and an unfinished bill payment under their tabs, from the Me page', async () => {
    const me = await patientWithSelf('钱学敏');
    const { schedule, segment } = await findBookableSchedule();
    const reg = await bookAndPay(me.token, me.patientId, schedule, segment);

    const visitNo = `MP${Date.now()}`;
    await pushVisit(his, me, visitNo, {
      bills: [
        hisBill('prescription', `RX${visitNo}`, [
          { code: 'Y1', name: '阿莫西林胶囊', quantity: 1, unitPriceFen: 1850 },
        ]),
      ],
    });
    const bills = await api('GET', `/api/v1/bills?patientId=${me.patientId}`, { token: me.token });
    const started = await api('POST', '/api/v1/bill-payments', {
      token: me.token,
      body: { patientId: me.patientId, billIds: [bills.items[0].id], idempotencyKey: `e2e-mp-${visitNo}` },
    });
    // the patient chose a channel but never finished paying
    await api('POST', `/api/v1/payments/orders/${started.orderId}/pay`, {
      token: me.token,
      body: { channel: 'sandbox' },
    });

    const { page, context } = await phoneAs(browser, me.tokens);
    await page.goto('/me');
    await page.getByTestId('me-payments').click();
    await page.getByTestId('my-payments-page').waitFor();

    const rows = page.getByTestId('my-payment-item');
    await expect.poll(() => rows.count()).toBe(2);
    const regRow = page.locator(`[data-testid="my-payment-item"][data-business="registration"]`);
    const billRow = page.locator(`[data-testid="my-payment-item"][data-business="bill"]`);
    expect(await regRow.getAttribute('data-state')).toBe('paid');
    expect(await regRow.getByTestId('my-payment-business').innerText()).toBe('挂号');
    expect(await billRow.getByTestId('my-payment-business').innerText()).toBe('门诊缴费');
    expect(await billRow.getByTestId('my-payment-amount').innerText()).toBe('¥18.50');
    expect(await billRow.getAttribute('data-order-no')).toBe(started.orderNo);
    // newest first: the bill payment was started after the registration
    expect(await rows.first().getAttribute('data-business')).toBe('bill');
    await page.getByTestId('my-payments-end').waitFor();
    await snap(page, 'patient-my-payments');

    await page.getByTestId('my-payments-tab-paid').click();
    await expect.poll(() => page.getByTestId('my-payments-list').getAttribute('data-state')).toBe('paid');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-business')).toBe('registration');

    await page.getByTestId('my-payments-tab-unpaid').click();
    await expect.poll(() => page.getByTestId('my-payments-list').getAttribute('data-state')).toBe('unpaid');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-business')).toBe('bill');
    await rows.first().getByTestId('my-payment-pay').waitFor();

    await page.getByTestId('my-payments-tab-refunded').click();
    await page.getByText('暂无交易记录').waitFor();

    // a paid registration opens its own page
    await page.getByTestId('my-payments-tab-paid').click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/registrations/${reg.id}`);
    await context.close();
  });
});
