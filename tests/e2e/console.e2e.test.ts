import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { desktop, launch, phone, snap } from './support/browser.js';
import { addSelf, api, bookAndPay, findBookableSchedule, patientSession } from './support/api.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

async function consoleLogin(page: Page, username = 'admin', password = 'Admin@2026') {
  await page.goto('/console/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('menu-departments').waitFor({ timeout: 30_000 });
}

/** Logs the H5 in as an existing account, through the login page and the sandbox code it shows. */
async function h5Login(page: Page, phoneNumber: string) {
  await page.goto('/login?redirect=/me');
  await page.getByTestId('login-phone').fill(phoneNumber);
  await page.getByTestId('login-send-code').click();
  const notice = page.getByTestId('login-sandbox-code');
  await notice.waitFor();
  const code = (await notice.innerText()).match(/\d{6}/)![0];
  await page.getByTestId('login-code').fill(code);
  // first login on this browser: the patient agrees to 《用户协议》 and 《隐私政策》
  await page.getByTestId('legal-consent-box').click();
  await page.getByTestId('login-submit').click();
  await page.getByTestId('me-page').waitFor();
}

describe('staff console', () => {
  it('an admin edits a department introduction and the patient H5 shows the change', async () => {
    const { page, context } = await desktop(browser);
    await consoleLogin(page);
    await snap(page, 'console-home');
    await page.getByTestId('menu-departments').click();
    const edit = page.locator('[data-testid^="department-edit-"]').nth(1);
    await edit.waitFor();
    const code = (await edit.getAttribute('data-testid'))!.replace('department-edit-', '');
    await edit.click();
    const intro = `本科室开展胸痛中心建设，提供24小时急诊介入服务。（浏览器测试 ${Date.now()}）`;
    const field = page.getByTestId('department-introduction');
    await field.fill(intro);
    await snap(page, 'console-department-edit');
    await page.getByTestId('department-save').click();

    const tree = await api<any>('GET', '/api/v1/departments');
    const all: any[] = (tree.items ?? tree).flatMap((p: any) => [p, ...(p.children ?? [])]);
    const dept = all.find((d) => d.code === code);
    expect(dept, `department ${code}`).toBeTruthy();
    await expect
      .poll(async () => (await api<any>('GET', `/api/v1/departments/${dept.id}`)).introduction, {
        timeout: 15_000,
      })
      .toContain('胸痛中心');

    const h5 = await phone(browser);
    await h5.page.goto(`/departments/${dept.id}`);
    await expect
      .poll(() => h5.page.getByTestId('department-introduction').innerText(), { timeout: 15_000 })
      .toContain('胸痛中心');
    await snap(h5.page, 'patient-department-updated');
    await h5.context.close();
    await context.close();
  });

  it('an admin stops a clinic segment and the affected patient sees the message', async () => {
    const patient = await patientSession();
    const self = await addSelf(patient.token);
    const { schedule, segment } = await findBookableSchedule();
    const reg = await bookAndPay(patient.token, self.id, schedule, segment);
    console.log('booked and paid', reg.id);

    const { page, context } = await desktop(browser);
    await consoleLogin(page);
    await page.goto(
      `/console/scheduling/schedules?departmentId=${schedule.departmentId}&week=${schedule.clinicDate}`,
    );
    await page.getByTestId(`schedule-card-${schedule.id}`).click();
    await page.getByTestId('schedule-drawer').waitFor();
    await page.getByTestId(`stop-segment-${segment.seq}`).click();
    await page.getByTestId('stop-reason').fill('医生临时参加院内会诊，本时段停诊');
    await snap(page, 'console-stop-segment');
    await page.getByTestId('stop-confirm').click();
    console.log('stop confirmed');

    await expect
      .poll(
        async () => (await api('GET', `/api/v1/registrations/${reg.id}`, { token: patient.token })).state,
        {
          timeout: 30_000,
        },
      )
      .toBe('cancelled');

    const h5 = await phone(browser);
    await h5Login(h5.page, patient.phone);
    await h5.page.goto('/messages');
    await expect
      .poll(() => h5.page.getByTestId('message-list').innerText(), { timeout: 30_000, interval: 1000 })
      .toMatch(/停诊/);
    await snap(h5.page, 'patient-stop-message');
    await h5.context.close();
    await context.close();
  }, 240_000);
});
