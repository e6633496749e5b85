import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeResidentId } from '../../apps/server/src/testing/id-numbers.js';
import { launch, phone, snap } from './support/browser.js';
import { enrolSandboxPerson } from './support/api.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

const newPhone = () => `137${String(Date.now()).slice(-8)}`;

/** Logs in through the login page with the sandbox code the page shows. */
async function loginWithSandboxCode(page: Page, phoneNumber: string) {
  await page.goto('/login?redirect=/me');
  await page.getByTestId('login-phone').fill(phoneNumber);
  await page.getByTestId('login-send-code').click();
  const notice = page.getByTestId('login-sandbox-code');
  await notice.waitFor();
  const code = (await notice.innerText()).match(/\d{6}/)?.[0];
  expect(code).toBeTruthy();
  // the resend button counts down from 60 s
  await expect.poll(() => page.getByTestId('login-send-code').innerText()).toMatch(/\d+\s*秒后重发/);
  await page.getByTestId('login-code').fill(code!);
  // first login: without ticking 《用户协议》/《隐私政策》 the login is refused
  await page.getByTestId('login-submit').click();
  await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('请先阅读并勾选同意');
  expect(await page.getByTestId('legal-terms-link').getAttribute('href')).toBe('/legal/terms');
  expect(await page.getByTestId('legal-privacy-link').getAttribute('href')).toBe('/legal/privacy');
  await page.getByTestId('legal-consent-box').click();
  await page.getByTestId('login-submit').click();
  await page.getByTestId('me-page').waitFor();
}

async function addFamilyMember(page: Page, name: string, idNumber: string, relation = 'self') {
  await enrolSandboxPerson({ name, idNumber });
  await page.goto('/patients/new');
  await page.getByTestId('patient-name').fill(name);
  await page.getByTestId('patient-id-type').selectOption('resident_id');
  await page.getByTestId('patient-id-number').fill(idNumber);
  await page.getByTestId('patient-phone').fill(newPhone());
  await page.getByTestId('patient-relation').selectOption(relation);
  await page.getByTestId('patient-submit').click();
}

describe('patient H5', () => {
  it('the home grid lists the services; one not built yet opens a page that names it', async () => {
    const { page, context } = await phone(browser);
    await page.goto('/');
    await page.getByTestId('service-grid').waitFor();
    expect(await page.getByTestId('service-grid').locator('[data-testid^="service-"]').count()).toBe(9);
    // the top grid holds only services a patient can use today
    expect(await page.getByTestId('service-grid').locator('[data-built="false"]').count()).toBe(0);
    for (const key of [
      'outpatient-payment',
      'reports',
      'inpatient',
      'physical-exam',
      'emergency',
      'e-invoice',
    ]) {
      expect(
        await page.locator(`[data-testid="service-${key}"], [data-testid="grid-${key}"]`).count(),
      ).toBeGreaterThan(0);
    }
    await snap(page, 'patient-home');
    expect(await page.getByTestId('grid-online-consult').innerText()).toContain('即将上线');
    await page.getByTestId('grid-online-consult').click();
    await expect.poll(() => page.getByTestId('coming-soon-title').innerText()).toBe('即将上线');
    expect(await page.getByTestId('coming-soon-service').innerText()).toContain('在线问诊');
    // no internal requirement ID (需求编号 CONSULT-01) reaches a patient
    expect(await page.getByTestId('coming-soon-page').innerText()).not.toMatch(/需求编号|[A-Z]{2,8}-\d{2}/);
    await snap(page, 'patient-coming-soon');
    await context.close();
  });

  it('switches to English and keeps the choice', async () => {
    const { page, context } = await phone(browser);
    await page.goto('/');
    await page.getByTestId('service-grid').waitFor();
    await page.getByTestId('language-switch').first().click();
    await expect.poll(() => page.getByTestId('service-register-today').innerText()).toBe('Same-day');
    await page.reload();
    await expect.poll(() => page.getByTestId('service-register-today').innerText()).toBe('Same-day');
    await context.close();
  });

  it('a new patient logs in with the sandbox code, adds a family member and browses to a doctor', async () => {
    const { page, context } = await phone(browser);
    await loginWithSandboxCode(page, newPhone());

    // a wrong check digit is refused with a clear message, nothing is added
    const good = makeResidentId('19850612', '110101', '357');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    await enrolSandboxPerson({ name: '张晓明', idNumber: good });
    await addFamilyMember(page, '张晓明', bad);
    await page.getByTestId('patient-form-error').waitFor();
    expect(await page.getByTestId('patient-form-error').innerText()).not.toBe('');

    await page.getByTestId('patient-id-number').fill(good);
    await page.getByTestId('patient-submit').click();
    await page.getByTestId('patient-page').waitFor();
    const masked = await page.getByTestId('patient-id-masked').innerText();
    expect(masked).toContain('*');
    expect(masked).not.toContain(good.slice(6, 14));
    await snap(page, 'patient-family-member');

    // an expired access token is renewed once with the refresh token (which rotates) and the page carries on
    const read = () => page.evaluate(() => JSON.parse(localStorage.getItem('qn.patient.tokens') ?? 'null'));
    const before = await read();
    await page.evaluate(
      (t) =>
        localStorage.setItem(
          'qn.patient.tokens',
          JSON.stringify({ ...t, accessToken: 'expired.access.token' }),
        ),
      before,
    );
    await page.goto('/patients');
    await page.getByTestId('patient-item').first().waitFor();
    const after = await read();
    expect(after.accessToken).not.toBe('expired.access.token');
    expect(after.refreshToken).not.toBe(before.refreshToken);

    await page.goto('/departments');
    await page.getByTestId('department-item').first().click();
    await page.getByTestId('department-page').waitFor();
    await page.getByTestId('doctor-item').first().click();
    await page.getByTestId('doctor-page').waitFor();
    expect(await page.getByTestId('doctor-name').innerText()).not.toBe('');
    await snap(page, 'patient-doctor');
    await context.close();
  });

  it('books for a family member, pays in the sandbox cashier, sees the QR code, cancels and sees the refund', async () => {
    const { page, context } = await phone(browser);
    await loginWithSandboxCode(page, newPhone());
    await addFamilyMember(page, '李秀英', makeResidentId('19620305', '110101', '246'), 'parent');
    await page.getByTestId('patient-page').waitFor();

    // advance booking: the first department with an open segment on some day
    await page.goto('/register/advance');
    await page.getByTestId('department-item').first().click();
    await page.getByTestId('date-strip').waitFor();
    const open = page.locator(
      '[data-testid="segment-button"][data-state="open"], [data-testid="book-button"]',
    );
    const days = page.getByTestId('date-item');
    for (let i = 0; i < (await days.count()) && (await open.count()) === 0; i++) {
      await days.nth(i).click();
      await page.waitForLoadState('networkidle');
    }
    await snap(page, 'patient-schedules');
    await open.first().click();
    await page.getByTestId('confirm-registration-page').waitFor();
    await page.getByTestId('choose-patient-item').filter({ hasText: '李秀英' }).click();
    await page.getByTestId('registration-submit').click();

    await page.getByTestId('registration-pay').click();
    await page.getByTestId('cashier-page').waitFor();
    const cashierPath = new URL(page.url()).pathname;
    expect(await page.getByTestId('cashier-amount').innerText()).toMatch(/¥\d+\.\d{2}/);
    await snap(page, 'patient-cashier');
    await page.getByTestId('cashier-success').click();

    await page.getByTestId('registration-page').waitFor();
    await page.getByTestId('registration-qr').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('registration-state').getAttribute('data-state')).toBe('booked');
    // GUIDE-04: after booking, the page says when to check in and where to wait
    expect(await page.getByTestId('registration-guidance').innerText()).toContain('取号');
    await snap(page, 'patient-registration-paid');

    await page.getByTestId('registration-cancel').click();
    await page.getByTestId('cancel-confirm').click();
    // the patient is told at once that the booking is cancelled
    const toast = page.getByTestId('registration-cancel-toast');
    await toast.waitFor({ timeout: 15_000 });
    expect(await toast.innerText()).toBe('已取消');
    await expect
      .poll(() => page.getByTestId('registration-state').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('cancelled');
    await expect
      .poll(() => page.getByTestId('refund-status').getAttribute('data-state'), {
        timeout: 60_000,
        interval: 1000,
      })
      .toBe('succeeded');
    await snap(page, 'patient-registration-refunded');

    await page.goto('/registrations');
    const item = page.getByTestId('registration-item').first();
    await item.waitFor();
    expect(await item.innerText()).toContain('已退款');

    // the refunded order, opened again at the cashier, reads 已退款 (never the channel's SUCCESS)
    await expect
      .poll(
        async () => {
          await page.goto(cashierPath);
          const state = page.getByTestId('cashier-state');
          await state.waitFor();
          return state.innerText();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('已退款');
    expect(await page.getByTestId('cashier-finished').count()).toBe(1);
    await snap(page, 'patient-cashier-refunded');
    await context.close();
  });

  it('the message centre lists the notice that a family member was bound', async () => {
    const { page, context } = await phone(browser);
    await loginWithSandboxCode(page, newPhone());
    await addFamilyMember(page, '王芳', makeResidentId('19900101', '110101', '124'));
    await page.getByTestId('patient-page').waitFor();
    await page.goto('/messages');
    await page.getByTestId('message-list').waitFor();
    expect(await page.getByTestId('message-item').count()).toBeGreaterThan(0);

    // after logging out no personal page opens without logging in again
    await page.goto('/me');
    await page.getByTestId('logout').click();
    await page.locator('.adm-dialog-button').filter({ hasText: '退出登录' }).click();
    await page.getByTestId('home-page').waitFor();
    await page.goto('/patients');
    await page.getByTestId('login-page').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('qn.patient.tokens'))).toBeNull();
    await context.close();
  });
});
