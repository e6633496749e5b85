import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { desktop, launch, snap } from './support/browser.js';
import { api, integrationChannel, patientWithSelf } from './support/api.js';

// The finance console's inpatient deposits (INP-03/INP-08) and credit care accounts (PAY-12…15):
// a deposit a patient paid shows with its amount, channel and HIS write-back; finance suspends a
// credit account with a reason and resumes it, and the server keeps each state.

let browser: Browser;
let finance: string;
beforeAll(async () => {
  browser = await launch();
  const login = await api('POST', '/api/v1/staff/auth/login', {
    body: { username: 'finance', password: 'Finance@2026' },
  });
  finance = login.accessToken;
});
afterAll(async () => browser?.close());

async function consoleAsFinance(): Promise<{ page: Page; close: () => Promise<void> }> {
  const { page, context } = await desktop(browser);
  await page.goto('/console/login');
  await page.getByTestId('login-username').fill('finance');
  await page.getByTestId('login-password').fill('Finance@2026');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor({ timeout: 30_000 });
  return { page, close: () => context.close() };
}

describe('staff console: inpatient deposits and credit care accounts', () => {
  it('finance finds a deposit a patient paid, with its amount, channel, HIS write-back and what the discharge refunded, the name masked', async () => {
    const his = await integrationChannel(['his.admissions.push', 'his.discharge.push']);
    const me = await patientWithSelf('钱慧敏');
    const admissionNo = `ZYF${Date.now()}`;
    await his.push('/api/integration/v1/his/admissions', {
      admissionNo,
      name: me.name,
      idNumber: me.idNumber,
      ward: '骨科一病区',
      bed: '7床',
      admittedAt: new Date(Date.now() - 86400_000).toISOString(),
    });
    const bound = await api('POST', '/api/v1/admissions/bind', {
      token: me.token,
      body: { patientId: me.patientId, admissionNo, name: me.name },
    });
    const dep = await api('POST', `/api/v1/admissions/${bound.id}/deposits`, {
      token: me.token,
      body: { amountFen: 65_000, idempotencyKey: `e2e-dep-${randomBytes(6).toString('hex')}` },
    });
    await api('POST', `/api/v1/payments/orders/${dep.paymentOrder.id}/pay`, {
      token: me.token,
      body: { channel: 'sandbox' },
    });
    await api('POST', `/api/v1/payments/sandbox/${dep.paymentOrder.orderNo}/complete`, {
      token: me.token,
      body: { outcome: 'success' },
    });
    // the payment notice and the HIS write-back are asynchronous
    const listed = () => api('GET', `/api/v1/admin/inpatient-deposits?q=${admissionNo}`, { token: finance });
    await expect
      .poll(async () => (await listed()).items.map((i: any) => [i.state, i.hisState]), {
        timeout: 30_000,
        interval: 500,
      })
      .toEqual([['paid', 'confirmed']]);

    const { page, close } = await consoleAsFinance();
    await page.getByTestId('menu-inpatient-deposits').click();
    await page.getByTestId('inpatient-deposits-q').fill(admissionNo);
    await page.getByTestId('inpatient-deposits-search').click();
    const rows = page.getByTestId('inpatient-deposits-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId(`inpatient-deposit-${dep.deposit.id}`).waitFor();
    const row = await rows.first().innerText();
    expect(row).toContain(admissionNo);
    expect(row).toContain('650.00');
    expect(row).toContain('模拟支付');
    expect(row).toContain(dep.paymentOrder.orderNo);
    expect(row).toContain('已缴纳');
    expect(row).toContain('骨科一病区');
    expect(row).toContain('钱*敏');
    expect(await page.getByTestId('inpatient-deposits-table').innerText()).not.toContain('钱慧敏');
    expect(await page.getByTestId(`inpatient-deposit-his-${dep.deposit.id}`).innerText()).toContain('已回写');
    // nothing to retry on a confirmed write-back
    expect(await page.getByTestId(`inpatient-deposit-retry-${dep.deposit.id}`).count()).toBe(0);
    await snap(page, 'console-inpatient-deposits');

    // discharged with ¥450.00 in total: the patient takes the ¥200.00 surplus back, and finance sees
    // what the settlement refunded from this deposit
    await his.push(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: new Date().toISOString(),
      totalCostFen: 45_000,
    });
    await api('POST', `/api/v1/admissions/${bound.id}/settlement/refund`, { token: me.token, body: {} });
    await expect
      .poll(async () => (await listed()).items.map((i: any) => [i.state, i.refundedFen]), {
        timeout: 60_000,
        interval: 1000,
      })
      .toEqual([['paid', 20_000]]);
    // searching again with the same admission number asks the server again (no reload needed)
    await page.getByTestId('inpatient-deposits-search').click();
    await expect.poll(() => rows.first().innerText(), { timeout: 15_000 }).toMatch(/已回写\s+200\.00/);
    await snap(page, 'console-inpatient-deposit-refunded');

    // an admission number with characters the search does not take is refused in the form
    await page.getByTestId('inpatient-deposits-q').fill('ZY 1;drop');
    await page.getByTestId('inpatient-deposits-search').click();
    await page.getByText('只能包含字母、数字和 _ . : -').waitFor();
    await close();
  });

  it('finance suspends a credit care account with a reason, sees it suspended, and resumes it', async () => {
    const me = await patientWithSelf('冯雅琴');
    await api('POST', '/api/v1/credit/accounts', { token: me.token, body: { patientId: me.patientId } });
    const find = async () =>
      (await api('GET', '/api/v1/admin/credit/accounts', { token: finance })).items.find(
        (i: any) => i.patientId === me.patientId,
      );
    const account = await find();
    expect(account).toMatchObject({ state: 'active' });

    const { page, close } = await consoleAsFinance();
    await page.getByTestId('menu-credit-accounts').click();
    const state = page.getByTestId(`credit-state-${account.id}`);
    await state.waitFor({ timeout: 15_000 });
    expect(await state.innerText()).toBe('正常');
    const row = await page
      .getByTestId('credit-accounts-table')
      .locator('tbody tr.ant-table-row', { has: state })
      .innerText();
    expect(row).toContain('冯*琴');
    expect(await page.getByTestId('credit-accounts-table').innerText()).not.toContain('冯雅琴');

    // a reason is required: an empty one suspends nothing
    await page.getByTestId(`credit-suspend-${account.id}`).click();
    await page.getByTestId('credit-suspend-confirm').click();
    await page.getByText('请填写原因').waitFor();
    expect((await find()).state).toBe('active');

    await page.getByTestId('credit-suspend-reason').fill('费用争议待核实');
    await page.getByTestId('credit-suspend-confirm').click();
    await expect.poll(() => state.innerText(), { timeout: 15_000 }).toBe('已暂停（人工）');
    expect(await find()).toMatchObject({ state: 'suspended', suspendReason: 'STAFF' });
    expect(await page.getByTestId(`credit-suspend-${account.id}`).count()).toBe(0);
    await snap(page, 'console-credit-suspended');

    await page.getByTestId(`credit-resume-${account.id}`).click();
    await page.getByTestId('credit-resume-confirm').click();
    await expect.poll(() => state.innerText(), { timeout: 15_000 }).toBe('正常');
    const after = await find();
    expect(after.state).toBe('active');
    expect(after.suspendReason ?? null).toBeNull();
    await page.getByTestId(`credit-suspend-${account.id}`).waitFor();
    await snap(page, 'console-credit-resumed');
    await close();
  });
});
