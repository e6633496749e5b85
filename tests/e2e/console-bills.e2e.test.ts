import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { desktop, launch, snap } from './support/browser.js';
import { hospitalDay, integrationChannel, patientWithSelf } from './support/api.js';

// The finance console's outpatient bills page: search by visit number, masked name, detail drawer.

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('staff console: outpatient bills', () => {
  it('finance finds the bills of a visit by its number and opens one with its items', async () => {
    const his = await integrationChannel(['his.visits.push', 'his.bills.push']);
    const me = await patientWithSelf('孙丽华');
    const visitNo = `CB${Date.now()}`;
    await his.push('/api/integration/v1/his/visits', {
      visitNo,
      visitDate: hospitalDay(),
      departmentName: '内科',
      patient: { name: me.name, idNumber: me.idNumber },
    });
    await his.push('/api/integration/v1/his/bills', {
      visitNo,
      bills: [
        {
          billNo: `RX${visitNo}`,
          kind: 'prescription',
          title: '西药处方',
          execDepartment: '西药房',
          execLocation: '门诊楼1F',
          items: [{ code: 'Y1', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1850, amountFen: 3700 }],
        },
        {
          billNo: `LB${visitNo}`,
          kind: 'lab',
          title: '检验申请单',
          execDepartment: '检验科',
          execLocation: '门诊楼3F',
          items: [{ code: 'J1', name: '血常规', quantity: 1, unitPriceFen: 2500, amountFen: 2500 }],
        },
      ],
    });

    const { page, context } = await desktop(browser);
    await page.goto('/console/login');
    await page.getByTestId('login-username').fill('finance');
    await page.getByTestId('login-password').fill('Finance@2026');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor({ timeout: 30_000 });
    await page.getByTestId('menu-bills').click();
    await page.getByTestId('bills-q').fill(visitNo);
    await page.getByTestId('bills-search').click();
    const rows = page.getByTestId('bills-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    const text = await page.getByTestId('bills-table').innerText();
    expect(text).toContain(`RX${visitNo}`);
    expect(text).toContain('孙*华');
    expect(text).not.toContain('孙丽华');

    await page.getByTestId(`bill-row-RX${visitNo}`).click();
    await page.getByTestId('bill-drawer-items').waitFor();
    expect(await page.getByTestId('bill-drawer-items').innerText()).toContain('阿莫西林胶囊');
    expect(await page.getByTestId('bill-drawer-state').innerText()).toContain('待缴费');
    await snap(page, 'console-bill-drawer');
    await context.close();
  });
});
