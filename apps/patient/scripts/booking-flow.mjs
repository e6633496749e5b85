// Walks the booking flow in Chromium at 375×812 and saves a screenshot of each step:
//   npx tsx apps/patient/scripts/booking-flow.mjs http://localhost:3100 /tmp/qn-shots
// The server must run with PUBLIC_BASE_URL set to its own address (sandbox notifications).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { makeResidentId } from '../../server/src/testing/id-numbers.ts';

const [base = 'http://localhost:3100', out = '/tmp/qn-shots'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
const context = await browser.newContext({
  viewport: { width: 375, height: 812 },
  locale: 'zh-CN',
  baseURL: base,
  timezoneId: 'Asia/Shanghai',
});
const page = await context.newPage();
page.setDefaultTimeout(15000);
page.on('pageerror', (e) => console.log('page error:', e.message));
page.on('response', async (r) => {
  if (r.url().includes('/api/') && r.status() >= 400)
    console.log('HTTP', r.status(), r.url(), (await r.text()).slice(0, 300));
});
const newPhone = () => `137${String(Date.now()).slice(-8)}`;
const shot = (n) => page.screenshot({ path: `${out}/flow-${n}.png` });

await page.goto('/login?redirect=/me');
await page.getByTestId('login-phone').fill(newPhone());
await page.getByTestId('login-send-code').click();
const code = (await page.getByTestId('login-sandbox-code').innerText()).match(/\d{6}/)?.[0];
await page.getByTestId('login-code').fill(code);
await shot('01-login');
await page.getByTestId('login-submit').click();
await page.getByTestId('me-page').waitFor();
await shot('02-me');

const id = makeResidentId('19620305', '110101', '246');
await page.goto('/patients/new');
await page.getByTestId('patient-name').fill('李秀英');
await page.getByTestId('patient-id-number').fill(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'));
await page.getByTestId('patient-phone').fill(newPhone());
await page.getByTestId('patient-relation').selectOption('parent');
await page.getByTestId('patient-submit').click();
await page.getByTestId('patient-form-error').waitFor();
await shot('03-bad-id');
await page.getByTestId('patient-id-number').fill(id);
await page.getByTestId('patient-submit').click();
await page.getByTestId('patient-page').waitFor();
await page.waitForTimeout(500);
await shot('04-patient');

await page.goto('/register/advance');
await page.getByTestId('department-item').first().click();
await page.getByTestId('date-strip').waitFor();
await page.waitForTimeout(1500);
await shot('05-schedules');
await page
  .locator('[data-testid="segment-button"][data-state="open"], [data-testid="book-button"]')
  .first()
  .click();
await page.getByTestId('confirm-registration-page').waitFor();
await page.waitForTimeout(800);
await page.getByTestId('choose-patient-item').filter({ hasText: '李秀英' }).click();
await shot('06-confirm');
await page.getByTestId('registration-submit').click();
await page.getByTestId('registration-page').waitFor();
await page.waitForTimeout(1000);
await shot('07-locked');
await page.getByTestId('registration-pay').click();
await page.getByTestId('cashier-page').waitFor();
await page.waitForTimeout(800);
await shot('08-cashier');
await page.getByTestId('cashier-success').click();
await page.getByTestId('registration-page').waitFor();
await page
  .getByTestId('registration-qr')
  .waitFor({ timeout: 30000 })
  .catch(() => console.log('no QR code after paying'));
await shot('09-paid');
await page.getByTestId('registration-cancel').click();
await page.waitForTimeout(500);
await shot('10-cancel-dialog');
await page.getByTestId('cancel-confirm').click();
await page
  .getByTestId('refund-status')
  .waitFor({ timeout: 30000 })
  .catch(() => console.log('no refund status'));
await page.waitForTimeout(6000);
await shot('11-cancelled');
await page.goto('/registrations');
await page.waitForTimeout(1500);
await shot('12-list');
await page.goto('/messages');
await page.waitForTimeout(1500);
await shot('13-messages');
await browser.close();
