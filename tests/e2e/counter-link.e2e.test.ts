import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { desktop, launch, snap } from './support/browser.js';
import { api, enrolSandboxPerson, freshResidentId, patientWithSelf, uniquePhone } from './support/api.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

async function consoleLogin(page: Page, username: string, password: string) {
  await page.goto('/console/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor({ timeout: 30_000 });
}

describe('staff console: the counter links a child under 14 to the guardian (PIPL Art. 31)', () => {
  it('an operator finds the child by ID number, records the household register seen, and the guardian sees the records', async () => {
    // a parent adds their six-year-old: verified, but no records until the counter links them
    const parent = await patientWithSelf('孙立群');
    const child = { name: '孙小雨', idNumber: freshResidentId('20200605') };
    await enrolSandboxPerson(child);
    const added = await api<any>('POST', '/api/v1/patients', {
      token: parent.token,
      body: { ...child, idType: 'resident_id', phone: uniquePhone(), relation: 'child' },
    });
    expect(added.recordsAccess).toBe('guardian_pending');

    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'operator', 'Oper@2026');
    await page.getByTestId('menu-counter-link').click();
    await page.getByTestId('counter-link-term').fill(child.idNumber);
    await page.getByTestId('counter-link-search').click();
    const table = page.getByTestId('counter-link-table');
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toContain('待窗口关联监护人');
    const text = await table.innerText();
    // words, never codes; the number masked
    expect(text).toContain('子女');
    expect(text).not.toContain('guardian_pending');
    expect(text).not.toContain(child.idNumber);
    await snap(page, 'console-counter-link-found');

    await page.getByTestId(`counter-link-open-${added.id}`).click();
    // a six-year-old: the household register is what the guardian shows, chosen already
    const register = page.getByTestId('counter-link-document').getByText('户口簿');
    await register.waitFor();
    await expect(
      page.getByTestId('counter-link-document').locator('input[value="household_register"]').isChecked(),
    ).resolves.toBe(true);
    await snap(page, 'console-counter-link-dialog');
    await page.getByTestId('counter-link-confirm').click();
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toContain('可查看就诊记录');

    // the guardian's account now reads the child's records
    const after = await api<any>('GET', `/api/v1/patients/${added.id}`, { token: parent.token });
    expect(after).toMatchObject({ recordsAccess: 'open', consent: 'granted' });
    await context.close();
  });

  it('finance does not see the counter page in its menu', async () => {
    const { page, context } = await desktop(browser);
    await consoleLogin(page, 'finance', 'Finance@2026');
    await expect(page.getByTestId('menu-counter-link').count()).resolves.toBe(0);
    await context.close();
  });
});
