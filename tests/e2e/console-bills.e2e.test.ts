import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { desktop, launch, snap } from './support/browser.js';
import { hisBill, integrationChannel, patientWithSelf, pushVisit } from './support/api.js';

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
    await pushVisit(his, me, visitNo, {
      bills: [
        hisBill('prescription', `RX${visitNo}`, [
          { code: 'Y1', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1850 },
        ]),
        hisBill('lab', `LB${visitNo}`, [{ code: 'J1', name: '血常规', quantity: 1, unitPriceFen: 2500 }]),
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
