import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as contracts from '../../packages/contracts/src/index.js';
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

// Issue 15 (patient side): every page of the H5, in Chinese at phone size and with data on it,
// shows words, never a raw state or code, an id or an internal requirement number; and the
// defects a first-day patient met (cashier feedback, stale pages, two 我的缴费, unread messages,
// scroll carried over, lab panels, the schedule's doctor) stay fixed.

let browser: Browser;
let his: IntegrationChannel;
beforeAll(async () => {
  browser = await launch();
  his = await integrationChannel(['his.visits.push', 'his.bills.push', 'lis.reports.push']);
});
afterAll(async () => browser?.close());

type Me = Awaited<ReturnType<typeof patientWithSelf>>;

/** Every code of the shared label tables (states, channel states, template codes): none may be shown. */
const CODES = new Set<string>();
for (const [name, table] of Object.entries(contracts))
  if (name.endsWith('Labels') && table && typeof table === 'object')
    for (const key of Object.keys(table)) if (key.length >= 3) CODES.add(key);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const REQUIREMENT_ID = /(?<![A-Za-z0-9])[A-Z]{2,8}-\d{2}(?!\d)/;
/** snake_case or dotted codes (registration.no-show, no_show) */
const CODE_SHAPED = /(?<![A-Za-z0-9])[a-z]+(?:[_.][a-z][a-z-]*)+(?![A-Za-z0-9])/g;

/** What on this text would be a raw code to a patient (empty when the page reads as words). */
function rawCodesIn(text: string): string[] {
  // addresses and e-mail are not codes
  const plain = text.replace(/https?:\/\/\S+|www\.\S+|\S+@\S+/g, ' ');
  const found: string[] = [];
  const uuid = plain.match(UUID);
  if (uuid) found.push(uuid[0]);
  const req = plain.match(REQUIREMENT_ID);
  if (req) found.push(req[0]);
  for (const m of plain.matchAll(CODE_SHAPED)) found.push(m[0]);
  for (const word of plain.split(/[^A-Za-z0-9_.-]+/)) if (CODES.has(word)) found.push(word);
  return [...new Set(found)];
}

/**
 * Waits until the page has rendered its data (no skeleton or spinner; a list that loads more on
 * scrolling may keep its own loader) and returns its visible text.
 */
async function settledText(page: Page): Promise<string> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expect
    .poll(async () => page.locator('.adm-skeleton, .adm-spin-loading').count(), { timeout: 20_000 })
    .toBe(0)
    .catch(() => undefined);
  return page.locator('body').innerText();
}

async function withData(): Promise<{
  me: Me;
  reg: any;
  unpaid: any;
  reportId: string;
  schedule: any;
  billPaymentId: string;
}> {
  const me = await patientWithSelf('孙丽华');
  const { schedule, segment } = await findBookableSchedule();
  const reg = await bookAndPay(me.token, me.patientId, schedule, segment);
  // a second family member's booking left unpaid
  const visitNo = `NR${Date.now()}`;
  await pushVisit(his, me, visitNo, {
    departmentName: '心血管内科',
    doctorName: '欧阳明远',
    bills: [
      hisBill('prescription', `RX${visitNo}`, [
        { code: 'Y1', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1850 },
      ]),
      hisBill('lab', `LB${visitNo}`, [{ code: 'L1', name: '血常规', quantity: 1, unitPriceFen: 2500 }]),
    ],
  });
  const bills = await api('GET', `/api/v1/bills?patientId=${me.patientId}`, { token: me.token });
  const started = await api('POST', '/api/v1/bill-payments', {
    token: me.token,
    body: { patientId: me.patientId, billIds: [bills.items[0].id], idempotencyKey: `nr-${visitNo}` },
  });
  const report = await his.push('/api/integration/v1/his/lis/reports', {
    reportNo: `LR${visitNo}`,
    kind: 'lab',
    patient: { name: me.name, idNumber: me.idNumber },
    title: '生化与血常规',
    department: '检验科',
    status: 'final',
    reportedAt: new Date(Date.now() - 3600_000).toISOString(),
    sections: [{ name: '肾功能' }, { name: '血常规' }],
    observations: [
      { section: '肾功能', code: 'CREA', name: '肌酐', value: 70, unit: 'μmol/L', refLow: 41, refHigh: 81 },
      {
        section: '肾功能',
        code: 'UREA',
        name: '尿素',
        value: 5.1,
        unit: 'mmol/L',
        refLow: 2.6,
        refHigh: 7.5,
      },
      {
        section: '血常规',
        code: 'HGB',
        name: '血红蛋白',
        value: 128,
        unit: 'g/L',
        refLow: 115,
        refHigh: 150,
      },
      {
        section: '血常规',
        code: 'WBC',
        name: '白细胞',
        value: 11.2,
        unit: '10^9/L',
        refLow: 3.5,
        refHigh: 9.5,
      },
    ],
  });
  expect(report.patientMatched).toBe(true);
  return { me, reg, unpaid: started, reportId: report.reportId, schedule, billPaymentId: started.id };
}

describe('no raw codes on the patient H5', () => {
  it('every page, in Chinese at 375×812 with data present, reads as words: no enum, code, UUID or requirement ID', async () => {
    const { me, reg, reportId, schedule, billPaymentId } = await withData();
    const doctors = await api('GET', '/api/v1/doctors?page=1&pageSize=1');
    const doctorId = (doctors.items ?? doctors)[0]?.id;
    const paths = [
      '/',
      '/me',
      '/registrations',
      `/registrations/${reg.id}`,
      `/cashier/${reg.payment.orderNo}`,
      '/messages',
      '/patients',
      `/patients/${me.patientId}`,
      '/cards',
      '/my-payments',
      '/bills',
      `/bill-payments/${billPaymentId}`,
      '/einvoices',
      '/reports',
      `/reports/${reportId}`,
      '/health-record',
      '/insurance',
      '/insurance/settlements',
      '/prescriptions',
      '/visits',
      '/medications',
      '/guide-sheet',
      '/credit',
      '/exams',
      '/exam-bookings',
      '/exam-report',
      '/inpatient',
      '/hospital',
      '/departments',
      `/departments/${schedule.departmentId}`,
      '/doctors',
      ...(doctorId ? [`/doctors/${doctorId}`] : []),
      '/followed-doctors',
      '/articles',
      '/prices',
      '/campuses',
      '/register/today',
      '/register/advance',
      `/register/advance/departments/${schedule.departmentId}`,
      `/register/advance/doctors/${schedule.doctorId}`,
      '/soon/online-consult',
      '/soon/emergency',
      '/legal/terms',
      '/legal/privacy',
    ];
    const { page, close } = await phoneAs(browser, me.tokens);
    const offences: string[] = [];
    for (const path of paths) {
      await page.goto(path);
      const text = await settledText(page);
      const raw = rawCodesIn(text);
      if (raw.length) offences.push(`${path}: ${raw.join(', ')}`);
      const name = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
      await snap(page, `no-raw-codes-patient-${name.slice(0, 60)}`);
    }
    await close();
    expect(offences).toEqual([]);
  }, 600_000);

  it('the checker itself catches what a patient must not see', () => {
    expect(rawCodesIn('订单状态 NOTPAY')).toEqual(['NOTPAY']);
    expect(rawCodesIn('医保类型 employee')).toEqual(['employee']);
    expect(rawCodesIn('短信 registration.no-show 已发送')).toContain('registration.no-show');
    expect(rawCodesIn('需求编号：GUIDE-10')).toEqual(['GUIDE-10']);
    expect(rawCodesIn('患者 3f0c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6')).toHaveLength(1);
    expect(rawCodesIn('状态 no_show')).toEqual(['no_show']);
    expect(
      rawCodesIn(
        '已支付 · 2026-12-07 10:30 · 心血管内科 · 血红蛋白 HGB 128 g/L · 官网 https://www.example.org',
      ),
    ).toEqual([]);
  });
});

describe('what a first-day patient tripped over', () => {
  it('the cashier says a failed payment failed, and after paying the booking shows 已预约 at once with nothing left to pay; the paid order reads 已支付, not SUCCESS', async () => {
    const me = await patientWithSelf('周晓梅');
    const { schedule, segment } = await findBookableSchedule();
    const reg = await api('POST', '/api/v1/registrations', {
      token: me.token,
      body: {
        patientId: me.patientId,
        scheduleId: schedule.id,
        segmentId: segment.id,
        idempotencyKey: `e2e-cashier-${Date.now()}`,
      },
    });
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto(`/registrations/${reg.id}`);
    await page.getByTestId('registration-pay').click();
    await page.getByTestId('cashier-page').waitFor();
    expect(await page.getByTestId('cashier-state').innerText()).not.toMatch(/NOTPAY|SUCCESS/);
    expect(await page.getByTestId('cashier-deadline').innerText()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    // a failed payment is said so, and the patient can pay again
    await page.getByTestId('cashier-failure').click();
    await page.getByTestId('cashier-failed').waitFor();
    expect(await page.getByTestId('cashier-toast').innerText()).toBe('支付失败');
    await expect.poll(() => page.getByTestId('cashier-success').isEnabled()).toBe(true);
    await snap(page, 'issue15-cashier-failed');

    await page.getByTestId('cashier-success').click();
    await page.getByTestId('registration-page').waitFor({ timeout: 30_000 });
    // the first thing the patient sees is the settled booking: no 待支付, no live 立即支付
    expect(await page.getByTestId('registration-state').getAttribute('data-state')).toBe('booked');
    expect(await page.getByTestId('registration-pay').count()).toBe(0);
    await snap(page, 'issue15-registration-paid-at-once');

    // coming back to the cashier of a paid order: its state in words, nothing to choose
    await page.goto(`/cashier/${reg.payment.orderNo}`);
    await page.getByTestId('cashier-finished').waitFor();
    expect(await page.getByTestId('cashier-state').innerText()).toBe('已支付');
    expect(await page.getByTestId('cashier-success').count()).toBe(0);
    expect(await page.getByTestId('cashier-page').innerText()).not.toContain('请选择支付结果');
    await snap(page, 'issue15-cashier-paid');
    await close();
  }, 300_000);

  it('the home grid and 我的 open the same 我的缴费, listing the paid registration', async () => {
    const me = await patientWithSelf('吴思远');
    const { schedule, segment } = await findBookableSchedule();
    await bookAndPay(me.token, me.patientId, schedule, segment);
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto('/');
    await page.getByTestId('service-payment-records').click();
    await page.getByTestId('my-payments-page').waitFor();
    const paid = page.locator('[data-testid="my-payment-item"][data-business="registration"]');
    await expect.poll(() => paid.count()).toBe(1);
    expect(await paid.getByTestId('my-payment-state').innerText()).toBe('已支付');
    await page.goto('/me');
    await page.getByTestId('me-payments').click();
    await page.getByTestId('my-payments-page').waitFor();
    await expect.poll(() => paid.count()).toBe(1);
    await close();
  }, 300_000);

  it('opening the message centre reads the messages: the badge goes to zero on the page and on the server', async () => {
    const me = await patientWithSelf('郑可欣');
    const { schedule, segment } = await findBookableSchedule();
    await bookAndPay(me.token, me.patientId, schedule, segment);
    await expect
      .poll(async () => (await api('GET', '/api/v1/messages/unread-count', { token: me.token })).unread, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto('/registrations');
    await expect.poll(() => page.locator('.tab-bar .adm-badge').count()).toBeGreaterThan(0);
    await page.goto('/messages');
    await page.getByTestId('message-list').waitFor();
    // what was new keeps its dot for this visit
    await expect.poll(() => page.getByTestId('message-new').count()).toBeGreaterThan(0);
    await expect
      .poll(async () => (await api('GET', '/api/v1/messages/unread-count', { token: me.token })).unread)
      .toBe(0);
    await expect.poll(() => page.locator('.tab-bar .adm-badge').count()).toBe(0);
    expect(await page.getByTestId('messages-read-all').isDisabled()).toBe(true);
    await snap(page, 'issue15-messages-read');
    await close();
  }, 300_000);

  it('a page opens at its top, and back returns to where the patient left the home page', async () => {
    const me = await patientWithSelf('冯子涵');
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto('/');
    await page.getByTestId('service-group-emergency').waitFor();
    await page.getByTestId('grid-hospital-intro').scrollIntoViewIfNeeded();
    const left = await page.evaluate(() => window.scrollY);
    expect(left).toBeGreaterThan(400);
    await page.getByTestId('grid-hospital-intro').click();
    await page.waitForURL('**/hospital');
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await page.goBack();
    await page.getByTestId('home-page').waitFor();
    await expect
      .poll(async () => Math.abs((await page.evaluate(() => window.scrollY)) - left))
      .toBeLessThan(4);
    await close();
  }, 300_000);

  it('a lab report shows each panel with its own results and their reference ranges', async () => {
    const { me, reportId } = await withData();
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto(`/reports/${reportId}`);
    const kidney = page.locator('[data-testid="report-section"][data-section="肾功能"]');
    const blood = page.locator('[data-testid="report-section"][data-section="血常规"]');
    await kidney.waitFor();
    const codes = async (panel: typeof kidney) =>
      panel.getByTestId('observation-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    expect(await codes(kidney)).toEqual(['CREA', 'UREA']);
    expect(await codes(blood)).toEqual(['HGB', 'WBC']);
    expect(await blood.locator('[data-code="HGB"]').getByTestId('observation-range').innerText()).toBe(
      '115-150',
    );
    // no results left outside their panel
    expect(await page.locator('[data-testid="report-section"][data-section=""]').count()).toBe(0);
    await snap(page, 'issue15-report-panels');
    await close();
  }, 300_000);

  it('the visit card shows its QR code beside the number', async () => {
    const me = await patientWithSelf('蒋文博');
    const bound = await api('POST', `/api/v1/patients/${me.patientId}/visit-card`, {
      token: me.token,
      body: {},
    });
    expect(bound.visitCardNo).toBeTruthy();
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto('/cards');
    const card = page.getByTestId('visit-card-qr');
    await card.waitFor();
    expect(await card.getAttribute('data-card-no')).toBe(bound.visitCardNo);
    expect(await card.locator('svg').count()).toBe(1);
    await snap(page, 'issue15-visit-card-qr');
    await close();
  }, 300_000);

  it('the exam days fill the row: no empty column at the right of the grid', async () => {
    const me = await patientWithSelf('韩静怡');
    const packages = await api('GET', '/api/v1/exam-packages', { token: me.token });
    const pkg = (packages.items ?? packages)[0];
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto(`/exam-packages/${pkg.id}`);
    const grid = page.getByTestId('exam-dates');
    await grid.waitFor();
    const gap = await grid.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const right = Math.max(...[...el.children].map((c) => c.getBoundingClientRect().right));
      return box.right - right;
    });
    expect(gap).toBeLessThan(2);
    await snap(page, 'issue15-exam-dates');
    await close();
  }, 300_000);

  it("a doctor's name in the schedule list opens the doctor's profile", async () => {
    const me = await patientWithSelf('陈雨桐');
    const { schedule } = await findBookableSchedule();
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto(`/register/advance/departments/${schedule.departmentId}`);
    const link = page.getByTestId('schedule-doctor-link').first();
    await link.waitFor();
    await link.click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/doctors\/[^/]+$/);
    await close();
  }, 300_000);
});
