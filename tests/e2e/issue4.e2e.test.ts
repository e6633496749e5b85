import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, hisBill, hospitalDay, integrationChannel, patientWithSelf, pushVisit } from './support/api.js';
import type { IntegrationChannel } from './support/api.js';
import { launch, phoneAs, snap } from './support/browser.js';

// Issue 4 in the browser: outpatient bills pushed by the HIS and paid on the phone (with the
// e-invoice PDF), a flagged lab indicator with its trend, an inpatient deposit top-up. The hospital's
// systems call the signed integration API of the running demo server.

let browser: Browser;
let his: IntegrationChannel;
beforeAll(async () => {
  browser = await launch();
  his = await integrationChannel([
    'his.visits.push',
    'his.bills.push',
    'his.execution.push',
    'lis.reports.push',
    'his.admissions.push',
    'his.inpatient-charges.push',
    'his.discharge.push',
  ]);
});
afterAll(async () => browser?.close());

type Me = Awaited<ReturnType<typeof patientWithSelf>>;

/** Opens the H5 already logged in as the patient. */
const openAs = (me: Me) => phoneAs(browser, me.tokens);

const isChecked = (page: Page, billNo: string) =>
  page
    .locator(`[data-testid="bill-item"][data-bill-no="${billNo}"] .adm-checkbox`)
    .evaluate((el) => el.classList.contains('adm-checkbox-checked'));

describe('issue 4 on the patient H5', () => {
  it('a patient pays two HIS bills at once, sees the receipt and where to go, downloads the e-invoice PDF, and is sent to the counter for a dispensed drug', async () => {
    const me = await patientWithSelf('赵建国');
    const visitNo = `V${Date.now()}`;
    const drugNo = `RX${visitNo}`;
    const labNo = `LB${visitNo}`;
    await pushVisit(his, me, visitNo, {
      doctorName: '李医生',
      bills: [
        hisBill('prescription', drugNo, [
          { code: 'Y001', name: '阿莫西林胶囊', unit: '盒', quantity: 2, unitPriceFen: 1850 },
          { code: 'Y002', name: '布洛芬缓释胶囊', unit: '盒', quantity: 1, unitPriceFen: 2300 },
        ]),
        hisBill('lab', labNo, [
          { code: 'J001', name: '血常规', unit: '次', quantity: 1, unitPriceFen: 2500 },
        ]),
      ],
    });

    const { page, close } = await openAs(me);
    await page.goto('/');
    await page.getByTestId('service-outpatient-payment').click();
    await page.getByTestId('bills-page').waitFor();
    await expect.poll(() => page.getByTestId('bill-item').count()).toBe(2);
    expect(await page.getByTestId('bill-items').first().innerText()).toMatch(/阿莫西林|血常规/);

    // the prescription's QR code (typed) finds the drug bill and selects it
    await page.getByTestId('bill-scan-input').fill(`QNB:${his.code}:${drugNo}`);
    await page.getByTestId('bill-scan-submit').click();
    await expect.poll(() => isChecked(page, drugNo)).toBe(true);
    // and the lab bill joins the same payment
    await page.locator(`[data-testid="bill-item"][data-bill-no="${labNo}"] .adm-checkbox`).click();
    await expect.poll(() => page.getByTestId('bills-total').innerText()).toBe('¥85.00');
    await snap(page, 'issue4-bills');

    await page.getByTestId('bills-pay').click();
    await page.getByTestId('cashier-page').waitFor();
    expect(await page.getByTestId('cashier-amount').innerText()).toBe('¥85.00');
    await page.getByTestId('cashier-success').click();

    // the result page: paid, the HIS receipt number once written back, where to go next
    await page.getByTestId('bill-payment-page').waitFor();
    await expect
      .poll(() => page.getByTestId('bill-payment-state').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('paid');
    await page.getByTestId('bill-receipt-no').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('bill-receipt-no').innerText()).not.toBe('');
    await expect.poll(() => page.getByTestId('bill-guidance').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId('bill-receipt-bills').innerText()).toContain('西药房');
    await snap(page, 'issue4-bill-receipt');
    const paymentUrl = page.url();

    // the e-invoice is issued after the payment; its PDF downloads
    // issued by a job after the HIS confirmed the payment (up to a minute or two on PGlite's job polling)
    await page.getByTestId('bill-einvoice').click({ timeout: 150_000 });
    await page.getByTestId('einvoice-page').waitFor();
    await expect
      .poll(() => page.getByTestId('einvoice-status').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('issued');
    expect(await page.getByTestId('einvoice-amount').innerText()).toBe('¥85.00');
    expect(await page.getByTestId('einvoice-no').innerText()).not.toBe('');
    await snap(page, 'issue4-einvoice');
    const [pdfResponse, download] = await Promise.all([
      page.waitForResponse((r) => /\/api\/v1\/einvoices\/[^/]+\/pdf$/.test(new URL(r.url()).pathname)),
      page.waitForEvent('download'),
      page.getByTestId('einvoice-download').click(),
    ]);
    expect(pdfResponse.status()).toBe(200);
    expect(pdfResponse.headers()['content-type']).toContain('application/pdf');
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const saved = readFileSync(await download.path());
    expect(saved.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(saved.length).toBeGreaterThan(1000);
    await page.goto(paymentUrl);
    await page.getByTestId('bill-payment-page').waitFor();

    // nothing is left to pay
    const pending = await api('GET', `/api/v1/bills?patientId=${me.patientId}`, { token: me.token });
    expect(pending.items).toEqual([]);

    // the pharmacy dispensed the drugs: an online refund of that bill is refused with the reason
    await his.push(`/api/integration/v1/his/bills/${drugNo}/execution`, { status: 'dispensed' });
    await page.reload();
    await page.getByTestId('bill-payment-page').waitFor();
    await page.locator(`[data-testid="bill-item"][data-bill-no="${drugNo}"] .adm-checkbox`).click();
    await page.getByTestId('bill-refund').click();
    await page.getByTestId('bill-refund-confirm').click();
    const refusal = page.getByTestId('bill-refund-error');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('GO_TO_COUNTER');
    expect(await refusal.getAttribute('data-reason')).toBe('EXECUTED');
    expect(await refusal.innerText()).toContain('收费窗口');
    await snap(page, 'issue4-refund-go-to-counter');
    const drug = await api('GET', `/api/v1/bills?patientId=${me.patientId}&state=paid`, { token: me.token });
    expect(drug.items.map((b: any) => b.billNo).sort()).toEqual([drugNo, labNo].sort());

    // the visit history tells what is left: the lab test (the drugs were dispensed)
    await page.goto(`/visits?patient=${me.patientId}`);
    await page.getByTestId('visit-item').first().click();
    await page.getByTestId('visit-page').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="visit-bill"][data-execution="dispensed"]').count())
      .toBe(1);
    expect(await page.getByTestId('visit-step').first().getAttribute('data-kind')).toBe('go_to');
    expect(await page.getByTestId('visit-steps').innerText()).toContain('检验科');
    await page.getByTestId('visit-guide-sheet').click();
    await page.getByTestId('guide-code').waitFor();
    expect(await page.getByTestId('guide-code').getAttribute('data-code')).toMatch(/^QG1\./);
    // the QR code carries the token; the sheet does not print it as text
    expect(await page.getByTestId('guide-code').innerText()).not.toContain('QG1.');
    await snap(page, 'issue4-guide-sheet');

    // the lab test has not been done: refunded online
    await page.goto(paymentUrl);
    await page.getByTestId('bill-payment-page').waitFor();
    await page.locator(`[data-testid="bill-item"][data-bill-no="${labNo}"] .adm-checkbox`).click();
    await page.getByTestId('bill-refund').click();
    await page.getByTestId('bill-refund-confirm').click();
    await expect
      .poll(
        () =>
          page
            .locator(`[data-testid="bill-item"][data-bill-no="${labNo}"] [data-testid="bill-state"]`)
            .getAttribute('data-state'),
        { timeout: 30_000 },
      )
      .toBe('refunded');
    const refunded = await api('GET', `/api/v1/bills?patientId=${me.patientId}&state=refunded`, {
      token: me.token,
    });
    expect(refunded.items.map((b: any) => b.billNo)).toEqual([labNo]);

    // my payments lists it (the old bill-payment list address opens the one 我的缴费)
    await page.goto('/bill-payments');
    await page.getByTestId('my-payments-page').waitFor();
    const billRows = page.locator('[data-testid="my-payment-item"][data-business="bill"]');
    await expect.poll(() => billRows.count()).toBe(1);
    expect(await billRows.innerText()).toContain('85.00');
    await close();
  }, 300_000);

  it('a lab report shows a high indicator with its explanation and its trend over two reports; a checkup report opens with its extraction code', async () => {
    const me = await patientWithSelf('钱淑芬');
    const report = (no: string, daysAgo: number, alt: number) => ({
      reportNo: no,
      kind: 'lab',
      patient: { name: me.name, idNumber: me.idNumber },
      title: '肝功能',
      department: '检验科',
      status: 'final',
      reportedAt: new Date(Date.now() - daysAgo * 86400_000).toISOString(),
      observations: [
        { code: 'ALT', name: '丙氨酸氨基转移酶', value: alt, unit: 'U/L', refLow: 9, refHigh: 50 },
        { code: 'ALB', name: '白蛋白', value: 45, unit: 'g/L', refLow: 40, refHigh: 55 },
      ],
    });
    const stamp = Date.now().toString(36);
    await his.push('/api/integration/v1/his/lis/reports', report(`LA${stamp}`, 30, 42));
    const latest = await his.push('/api/integration/v1/his/lis/reports', report(`LB${stamp}`, 1, 88));
    expect(latest.patientMatched).toBe(true);

    const { page, close } = await openAs(me);
    await page.goto('/');
    await page.getByTestId('service-reports').click();
    await page.getByTestId('reports-page').waitFor();
    await expect.poll(() => page.getByTestId('report-item').count()).toBe(2);
    await page.locator(`[data-testid="report-item"][data-id="${latest.reportId}"]`).click();
    await page.getByTestId('report-page').waitFor();

    const alt = page.locator('[data-testid="observation-item"][data-code="ALT"]');
    await alt.waitFor();
    expect(await alt.getAttribute('data-flag')).toBe('H');
    expect(await alt.getByTestId('observation-range').innerText()).toBe('9-50');
    expect(await alt.getByTestId('observation-value').innerText()).toContain('↑');
    expect(
      await page.locator('[data-testid="observation-item"][data-code="ALB"]').getAttribute('data-flag'),
    ).not.toBe('H');
    await alt.click();
    const explanation = alt.getByTestId('observation-interpretation');
    await explanation.waitFor();
    expect((await explanation.innerText()).length).toBeGreaterThan(10);
    await snap(page, 'issue4-lab-report');

    await alt.getByTestId('observation-trend').click();
    await page.getByTestId('trend-page').waitFor();
    await expect.poll(() => page.getByTestId('trend-chart').getAttribute('data-points')).toBe('2');
    expect(await page.locator('[data-testid="trend-dot"][data-flag="H"]').count()).toBe(1);
    expect(await page.getByTestId('trend-point').count()).toBe(2);
    await page.getByTestId('trend-band').waitFor();
    await snap(page, 'issue4-indicator-trend');

    // a checkup report opens with its number, the name and the code sent to the examinee's phone
    const examNo = `TJ${stamp}`;
    await his.push('/api/integration/v1/his/lis/reports', {
      reportNo: examNo,
      kind: 'physical',
      patient: { name: me.name, idNumber: me.idNumber },
      title: '年度健康体检报告',
      status: 'final',
      reportedAt: new Date().toISOString(),
      conclusion: '血脂偏高，建议低脂饮食，三个月后复查。',
      sections: [{ name: '内科', conclusion: '未见明显异常' }],
      observations: [{ code: 'TC', name: '总胆固醇', value: 6.4, unit: 'mmol/L', refLow: 2.8, refHigh: 5.2 }],
    });
    await page.goto('/exam-report');
    await page.getByTestId('exam-report-no').fill(examNo);
    await page.getByTestId('exam-name').fill(me.name);
    await page.getByTestId('exam-request-code').click();
    const sandbox = page.getByTestId('exam-sandbox-code');
    await sandbox.waitFor();
    const code = (await sandbox.innerText()).match(/\d{6}/)?.[0];
    expect(code).toBeTruthy();
    await page.getByTestId('exam-code').fill(code!);
    await page.getByTestId('exam-open').click();
    await page.getByTestId('exam-report').waitFor();
    expect(await page.getByTestId('report-conclusion').innerText()).toContain('血脂偏高');
    expect(
      await page.locator('[data-testid="observation-item"][data-code="TC"]').getAttribute('data-flag'),
    ).toBe('H');
    await snap(page, 'issue4-exam-report-by-code');
    await close();
  });

  it('a family binds an admission, tops up the deposit through the cashier, sees the balance and the day’s fees, and gets the surplus back at discharge', async () => {
    const me = await patientWithSelf('孙立群');
    const admissionNo = `ZY${Date.now()}`;
    await his.push('/api/integration/v1/his/admissions', {
      admissionNo,
      name: me.name,
      idNumber: me.idNumber,
      ward: '心内科一病区',
      bed: '12',
      attendingDoctor: '周医生',
      diagnoses: [{ code: 'I20.0', name: '不稳定型心绞痛' }],
      admittedAt: new Date(Date.now() - 86400_000).toISOString(),
    });
    await his.push(`/api/integration/v1/his/admissions/${admissionNo}/charges`, {
      lines: [
        {
          lineId: `${admissionNo}-1`,
          date: hospitalDay(),
          itemName: '床位费',
          category: '床位费',
          quantity: 1,
          unit: '日',
          amountFen: 8000,
        },
        {
          lineId: `${admissionNo}-2`,
          date: hospitalDay(),
          itemName: '心电监护',
          category: '治疗费',
          quantity: 1,
          unit: '次',
          amountFen: 4000,
        },
      ],
    });

    const { page, close } = await openAs(me);
    await page.goto('/');
    await page.getByTestId('service-inpatient').click();
    await page.getByTestId('inpatient-page').waitFor();

    // a wrong name is refused and binds nothing
    await page.getByTestId('admission-no').fill(admissionNo);
    await page.getByTestId('admission-name').fill('某某某');
    await page.getByTestId('admission-bind').click();
    await page.getByTestId('admission-bind-error').waitFor();
    expect(await page.getByTestId('admission-item').count()).toBe(0);

    await page.getByTestId('admission-name').fill(me.name);
    await page.getByTestId('admission-bind').click();
    await page.getByTestId('admission-page').waitFor();
    expect(await page.getByTestId('admission-ward').innerText()).toBe('心内科一病区');
    expect(await page.getByTestId('admission-diagnoses').innerText()).toContain('不稳定型心绞痛');
    await expect.poll(() => page.getByTestId('admission-balance').getAttribute('data-fen')).toBe('-12000');
    const admissionUrl = new URL(page.url()).pathname;

    await page.getByTestId('deposit-amount').fill('500');
    await page.getByTestId('deposit-submit').click();
    await page.getByTestId('cashier-page').waitFor();
    expect(await page.getByTestId('cashier-amount').innerText()).toBe('¥500.00');
    await page.getByTestId('cashier-success').click();

    await page.waitForURL((u) => u.pathname === admissionUrl);
    // the page waits for the settled state by itself: no manual reload, never the old balance left standing
    await expect
      .poll(() => page.getByTestId('admission-balance').getAttribute('data-fen'), {
        timeout: 30_000,
        interval: 500,
      })
      .toBe('38000');
    await page.locator('[data-testid="deposit-item"][data-state="paid"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('deposit-item').count()).toBe(1);
    await snap(page, 'issue4-inpatient-deposit');

    // the day's fee list
    await page.getByTestId('admission-daily-link').click();
    await page.getByTestId('daily-list-page').waitFor();
    await expect.poll(() => page.getByTestId('daily-total').innerText()).toBe('¥120.00');
    expect(await page.getByTestId('daily-item').count()).toBe(2);
    await snap(page, 'issue4-daily-list');

    // discharged with ¥300.00 in total: the ¥200.00 surplus goes back to the deposit's payment
    await his.push(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: new Date().toISOString(),
      totalCostFen: 30000,
    });
    await page.goto(admissionUrl);
    await page.getByTestId('settlement').waitFor();
    expect(await page.getByTestId('settlement').getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('deposit-form').count()).toBe(0);
    await page.getByTestId('settlement-refund').click();
    await page.getByTestId('settlement-refund-confirm').click();
    await expect
      .poll(() => page.getByTestId('settlement').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('refunded');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('deposit-item').first().waitFor();
          return page.getByTestId('deposit-item').first().innerText();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toContain('200.00');
    await snap(page, 'issue4-discharge-refund');
    await close();
  });
  it('a patient activates the insurance e-credential and pays a bill with the pooled fund and the cash part at the cashier', async () => {
    const me = await patientWithSelf('周永康');
    const visitNo = `VI${Date.now()}`;
    const billNo = `RXI${visitNo}`;
    await pushVisit(his, me, visitNo, {
      bills: [
        hisBill('prescription', billNo, [
          { code: 'Y003', name: '二甲双胍片', unit: '盒', quantity: 4, unitPriceFen: 2500 },
        ]),
      ],
    });

    const { page, close } = await openAs(me);
    await page.goto('/');
    await page.getByTestId('grid-insurance-credential').click();
    await page.getByTestId('insurance-page').waitFor();
    await page.getByTestId('ins-activate').click();
    await page.getByTestId('ins-credential').waitFor();
    expect(await page.getByTestId('ins-credential').getAttribute('data-state')).toBe('active');
    expect(await page.getByTestId('ins-insured-no').innerText()).toContain('*');
    await expect.poll(() => page.getByTestId('ins-balance').innerText()).toMatch(/¥\d+\.\d{2}/);
    await page.getByTestId('ins-show-qr').click();
    await page.getByTestId('ins-qr').waitFor();
    await snap(page, 'issue4-insurance-credential');

    await page.getByTestId('ins-go-pay').click();
    await page.getByTestId('insurance-pay-page').waitFor();
    await page.locator(`[data-testid="ins-bill"][data-bill-no="${billNo}"] .adm-checkbox`).click();
    await page.getByTestId('ins-use-account').click(); // no personal account: fund and cash only
    await page.getByTestId('ins-pre-settle').click();
    await page.getByTestId('ins-split').waitFor();
    expect(await page.getByTestId('ins-total').innerText()).toBe('¥100.00');
    expect(await page.getByTestId('ins-account').innerText()).toBe('¥0.00');
    const fund = Number((await page.getByTestId('ins-fund').innerText()).slice(1));
    const cash = Number((await page.getByTestId('ins-cash').innerText()).slice(1));
    expect(fund).toBeGreaterThan(0);
    expect(cash).toBeGreaterThan(0);
    expect(Math.round((fund + cash) * 100)).toBe(10000);
    await snap(page, 'issue4-insurance-split');

    await page.getByTestId('ins-settle').click();
    await page.getByTestId('cashier-page').waitFor();
    expect(await page.getByTestId('cashier-amount').innerText()).toBe(`¥${cash.toFixed(2)}`);
    await page.getByTestId('cashier-success').click();
    await page.getByTestId('ins-settlement-page').waitFor();
    await expect
      .poll(() => page.getByTestId('ins-settlement-state').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('settled');
    const paid = await api('GET', `/api/v1/bills?patientId=${me.patientId}&state=pending`, {
      token: me.token,
    });
    expect(paid.items).toEqual([]);
    await snap(page, 'issue4-insurance-settled');
    await close();
  });

  it('a patient books a checkup package on a date with places left, pays, and cancels it with a refund', async () => {
    const me = await patientWithSelf('吴桂兰');
    const { page, close } = await openAs(me);
    await page.goto('/');
    await page.getByTestId('service-physical-exam').click();
    await page.getByTestId('exams-page').waitFor();
    await page.getByTestId('exam-package').first().click();
    await page.getByTestId('exam-package-page').waitFor();
    const day = page.locator('[data-testid="exam-date"][data-bookable="true"]').first();
    const date = await day.getAttribute('data-date');
    await day.click();
    await page.getByTestId('exam-book').click();
    // the exchange with the exam system needs the patient's authorisation first
    await page.getByTestId('exam-authorise-confirm').click();
    await page.getByTestId('cashier-page').waitFor();
    await page.getByTestId('cashier-success').click();
    await page.getByTestId('exam-booking-page').waitFor();
    await expect
      .poll(() => page.getByTestId('exam-booking-state').getAttribute('data-state'), { timeout: 30_000 })
      .toMatch(/^(paid|confirmed)$/);
    expect(await page.getByTestId('exam-booking-date').innerText()).toBe(date);
    await snap(page, 'issue4-exam-booked');

    await page.getByTestId('exam-cancel').click();
    await page.getByTestId('exam-cancel-confirm').click();
    await expect
      .poll(() => page.getByTestId('exam-booking-state').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('cancelled');
    await expect
      .poll(() => page.getByTestId('exam-refund-state').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('succeeded');
    await snap(page, 'issue4-exam-cancelled');
    await close();
  });
  it('a patient with credit care pays a bill later and settles everything owed in one payment', async () => {
    const me = await patientWithSelf('郑海燕');
    const visitNo = `VC${Date.now()}`;
    const billNo = `LBC${visitNo}`;
    await pushVisit(his, me, visitNo, {
      bills: [
        hisBill('lab', billNo, [
          { code: 'J002', name: '肝功能', unit: '次', quantity: 1, unitPriceFen: 6800 },
        ]),
      ],
    });

    const { page, close } = await openAs(me);
    await page.goto('/');
    await page.getByTestId('grid-credit-care').click();
    await page.getByTestId('credit-page').waitFor();
    await page.getByTestId('credit-activate').click();
    await page.getByTestId('credit-account').waitFor();
    expect(await page.getByTestId('credit-account').getAttribute('data-state')).toBe('active');
    const available = await page.getByTestId('credit-available').innerText();

    await page.goto(`/bills?patient=${me.patientId}`);
    await page.locator(`[data-testid="bill-item"][data-bill-no="${billNo}"] .adm-checkbox`).click();
    await page.getByTestId('bills-pay-credit').click();
    await page.getByTestId('bill-payment-page').waitFor();
    await expect
      .poll(() => page.getByTestId('bill-payment-state').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('paid');

    await page.goto(`/credit?patient=${me.patientId}`);
    await expect.poll(() => page.getByTestId('credit-owed').innerText()).toBe('¥68.00');
    expect(await page.getByTestId('credit-available').innerText()).not.toBe(available);
    await snap(page, 'issue4-credit-owed');
    await page.getByTestId('credit-settle').click();
    await page.getByTestId('cashier-page').waitFor();
    expect(await page.getByTestId('cashier-amount').innerText()).toBe('¥68.00');
    await page.getByTestId('cashier-success').click();
    await page.getByTestId('credit-page').waitFor();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('credit-owed').waitFor();
          return page.getByTestId('credit-owed').innerText();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe('¥0.00');
    expect(await page.getByTestId('credit-available').innerText()).toBe(available);
    await snap(page, 'issue4-credit-settled');

    // the page in English
    await page.getByTestId('language-switch').first().click();
    await expect.poll(() => page.locator('.page-nav').first().innerText()).toContain('Credit care');
    expect(await page.getByTestId('credit-page').innerText()).toContain('Available');
    await snap(page, 'issue4-credit-english');
    await close();
  });
  it('a patient fills allergies and family history in the health record, saves, reloads and still sees them with the visit records', async () => {
    const me = await patientWithSelf('孙丽华');
    const visitNo = `VH${Date.now()}`;
    await pushVisit(his, me, visitNo, { departmentName: '心内科' });

    const { page, close } = await openAs(me);
    await page.goto(`/health-record?patient=${me.patientId}`);
    await page.getByTestId('health-profile').waitFor();
    expect(await page.getByTestId('hp-basic-name').innerText()).toContain(me.name);
    expect(await page.getByTestId('hp-basic-id').innerText()).not.toContain(me.idNumber);
    await page.locator(`[data-testid="hp-visit-outpatient"][data-visit-no="${visitNo}"]`).waitFor();
    expect(await page.getByTestId('hp-view').getAttribute('data-version')).toBe('0');

    await page.getByTestId('hp-edit').click();
    await page.getByTestId('hp-form').waitFor();
    await page.getByTestId('hp-blood-type').getByText('AB', { exact: true }).click();
    await page.getByTestId('hp-height').fill('165');
    await page.getByTestId('hp-weight').fill('60');
    for (const a of ['青霉素', '花生']) {
      await page.getByTestId('hp-allergies-input').fill(a);
      await page.getByTestId('hp-allergies-add').click();
    }
    await expect.poll(() => page.getByTestId('hp-allergies-tag').count()).toBe(2);
    await page.getByTestId('hp-family-add').click();
    await page.getByTestId('hp-family-add').click();
    const rows = page.getByTestId('hp-family-row');
    await rows.nth(0).getByText('父亲', { exact: true }).click();
    await rows.nth(0).getByTestId('hp-family-condition').fill('高血压');
    await rows.nth(1).getByText('母亲', { exact: true }).click();
    await rows.nth(1).getByTestId('hp-family-condition').fill('2型糖尿病');
    await page.getByTestId('hp-smoking').getByText('从不', { exact: true }).click();
    await snap(page, 'issue4-health-profile-form');
    await page.getByTestId('hp-save').click();
    await page.getByTestId('hp-view').waitFor();
    await expect.poll(() => page.getByTestId('hp-view').getAttribute('data-version')).toBe('1');

    await page.reload();
    await page.getByTestId('hp-view').waitFor();
    expect(await page.getByTestId('hp-view-allergies-item').allInnerTexts()).toEqual(['青霉素', '花生']);
    const family = page.getByTestId('hp-view-family-item');
    expect(await family.count()).toBe(2);
    expect(await family.nth(0).getAttribute('data-relation')).toBe('father');
    expect(await family.nth(0).innerText()).toContain('高血压');
    expect(await family.nth(1).getAttribute('data-relation')).toBe('mother');
    expect(await family.nth(1).innerText()).toContain('2型糖尿病');
    expect(await page.getByTestId('hp-view-blood-type').innerText()).toContain('AB');
    expect(await page.getByTestId('hp-view-body').innerText()).toContain('BMI 22');
    await snap(page, 'issue4-health-profile');

    // what the server kept
    const saved = await api('GET', `/api/v1/health-record/profile?patientId=${me.patientId}`, {
      token: me.token,
    });
    expect(saved.profile).toMatchObject({
      bloodType: 'AB',
      heightCm: 165,
      weightKg: 60,
      allergies: ['青霉素', '花生'],
      familyHistory: [
        { relation: 'father', condition: '高血压' },
        { relation: 'mother', condition: '2型糖尿病' },
      ],
      smoking: 'never',
      version: 1,
    });
    await close();
  });
});
