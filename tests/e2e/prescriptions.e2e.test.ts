import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, integrationChannel, patientWithSelf } from './support/api.js';
import type { IntegrationChannel } from './support/api.js';
import { desktop, launch, phoneAs, snap } from './support/browser.js';

// INS-16 医保电子处方 in the browser: the HIS pushes a doctor's insurance e-prescription with a 双通道
// drug, the patient chooses a 双通道 retail pharmacy on the phone and shows the pickup code, the
// (sandbox) pharmacy dispenses and settles it with insurance, and the pharmacist follows it in the console.

let browser: Browser;
let his: IntegrationChannel;
beforeAll(async () => {
  browser = await launch();
  his = await integrationChannel(['his.prescriptions.push']);
});
afterAll(async () => browser?.close());

async function consoleLogin(page: Page, username: string, password: string) {
  await page.goto('/console/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor({ timeout: 30_000 });
}

/** Picks an option of an antd Select by the text it shows. */
async function chooseOption(page: Page, testId: string, text: string) {
  await page.locator(`[data-testid="${testId}"]`).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text })
    .first()
    .click();
}

async function pharmacistToken(): Promise<string> {
  const r = await api('POST', '/api/v1/staff/auth/login', {
    body: { username: 'pharmacist', password: 'Pharm@2026' },
  });
  return r.accessToken;
}

/** Chooses a pharmacy in the list and confirms the dialog. */
async function choosePharmacy(page: Page, code: string) {
  await page
    .locator(`[data-testid="rx-pharmacy-option"][data-code="${code}"] [data-testid="rx-pharmacy-choose"]`)
    .click();
  await page.getByTestId('rx-fill-confirm-text').waitFor();
  await page.getByTestId('rx-fill-confirm').click();
  await page.getByTestId('rx-fill-confirm-text').waitFor({ state: 'detached' });
}

/** Waits for the toast to go, so that screenshots show the page. */
const toastGone = (page: Page) => page.locator('.adm-toast-mask').waitFor({ state: 'detached' });

describe('insurance e-prescriptions (INS-16)', () => {
  it('a patient fills a 双通道 prescription at a 双通道 retail pharmacy with a pickup code, sees it dispensed with the insurance split, and the pharmacist sees it in the console', async () => {
    const me = await patientWithSelf('孙丽华');
    const card = await api('POST', `/api/v1/patients/${me.patientId}/visit-card`, {
      token: me.token,
      body: {},
    });
    expect(card.visitCardNo).toBeTruthy();

    // the doctor signs it in the HIS; the HIS pushes it; the platform uploads it to the centre
    const hisRxNo = `RXE2E${Date.now()}`;
    const pushed = await his.push('/api/integration/v1/prescriptions', {
      hisRxNo,
      visitNo: `MZE2E${Date.now()}`,
      visitCardNo: card.visitCardNo,
      patientName: me.name,
      doctor: { code: 'D0402', name: '周医生', insuranceDoctorCode: 'D330106000402' },
      department: { code: 'ZLK', name: '肿瘤内科' },
      issuedAt: new Date().toISOString(),
      validDays: 3,
      kind: 'ordinary',
      diagnoses: [{ code: 'C34.900', name: '肺恶性肿瘤' }],
      items: [
        {
          drugCode: 'Y0901',
          name: '甲磺酸奥希替尼片',
          spec: '80mg*30片',
          dosageForm: '片剂',
          quantity: 1,
          unit: '盒',
          unitPriceFen: 467_500,
          dose: '80mg',
          frequency: '每日一次',
          route: '口服',
          days: 30,
          dualChannel: true,
        },
        {
          drugCode: 'Y0601',
          name: '蒙脱石散',
          spec: '3g*10袋',
          quantity: 1,
          unit: '盒',
          unitPriceFen: 1680,
          dualChannel: false,
        },
      ],
      reviewedBy: '李娟',
    });
    expect(pushed.state).toBe('pending_upload');
    await expect
      .poll(async () => (await api('GET', `/api/v1/prescriptions/${pushed.id}`, { token: me.token })).state, {
        timeout: 90_000,
        interval: 1000,
      })
      .toBe('circulating');

    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto('/');
    await page.getByTestId('grid-insurance-prescriptions').click();
    await page.getByTestId('prescriptions-page').waitFor();
    const item = page.locator(`[data-testid="rx-item"][data-his-rx-no="${hisRxNo}"]`);
    await item.waitFor();
    expect(await item.getByTestId('rx-state').getAttribute('data-state')).toBe('circulating');
    await item.getByTestId('rx-tag-dual').waitFor();
    expect(await item.getByTestId('rx-total').innerText()).toBe('¥4691.80');
    await snap(page, 'rx-list');

    await item.click();
    const detail = page.getByTestId('rx-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-state')).toBe('circulating');
    expect(await page.locator('[data-testid="rx-drug"][data-dual-channel="true"]').innerText()).toContain(
      '甲磺酸奥希替尼片',
    );
    expect(await page.getByTestId('rx-diagnoses').innerText()).toContain('肺恶性肿瘤');
    expect(await page.getByTestId('rx-hi-rx-no').innerText()).toMatch(/^HRX/);
    // only 双通道 pharmacies can fill a 双通道 drug
    await page.getByTestId('rx-pharmacies').waitFor();
    const options = page.getByTestId('rx-pharmacy-option');
    expect(await options.count()).toBeGreaterThan(0);
    for (const dual of await options.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-dual-channel')),
    ))
      expect(dual).toBe('true');
    await snap(page, 'rx-choose-pharmacy');

    await choosePharmacy(page, 'P002');
    await expect.poll(() => detail.getAttribute('data-state')).toBe('dispatched');
    await expect.poll(() => page.getByTestId('rx-pharmacy').getAttribute('data-code')).toBe('P002');

    // the patient changes to another 双通道 pharmacy; the pickup code is shown for it
    await page.getByTestId('rx-change-pharmacy').click();
    await choosePharmacy(page, 'P001');
    await expect.poll(() => page.getByTestId('rx-pharmacy').getAttribute('data-code')).toBe('P001');
    expect(await page.getByTestId('rx-pharmacy').innerText()).toContain('中山路 88 号');
    const pickup = (await page.getByTestId('rx-pickup-code').innerText()).trim();
    expect(pickup).not.toBe('');
    expect(await page.locator('[data-testid="rx-pickup"] svg').count()).toBe(1);
    await toastGone(page);
    await snap(page, 'rx-pickup-code');

    const server = await api('GET', `/api/v1/prescriptions/${pushed.id}`, { token: me.token });
    expect(server).toMatchObject({ state: 'dispatched', pickupCode: pickup, pharmacy: { code: 'P001' } });

    // the retail pharmacy dispenses and settles with insurance (sandbox centre); the platform learns it
    const pharmacist = await pharmacistToken();
    await api('POST', '/api/v1/sandbox/prescriptions/dispense', {
      token: pharmacist,
      body: { hiRxNo: server.hiRxNo },
    });
    await expect
      .poll(() => detail.getAttribute('data-state'), { timeout: 60_000, interval: 1000 })
      .toBe('dispensed');
    const done = await api('GET', `/api/v1/prescriptions/${pushed.id}`, { token: me.token });
    const d = done.dispensed;
    expect(d.fundFen + d.accountFen + d.cashFen).toBe(d.totalFen);
    const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
    expect(await page.getByTestId('rx-fund').innerText()).toBe(yuan(d.fundFen));
    expect(await page.getByTestId('rx-account').innerText()).toBe(yuan(d.accountFen));
    expect(await page.getByTestId('rx-cash').innerText()).toBe(yuan(d.cashFen));
    expect(await page.getByTestId('rx-dispensed-where').innerText()).toContain('中山路');
    await expect.poll(() => page.getByTestId('rx-pickup').count()).toBe(0);
    await page.evaluate(() => window.scrollTo({ top: 0 }));
    await snap(page, 'rx-dispensed');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('rx-dispensed').innerText()).toContain('Pooled fund');
    await snap(page, 'rx-dispensed-en');
    await close();

    // the pharmacist finds it in 医保电子处方 and opens its detail
    const { page: desk, context } = await desktop(browser);
    await consoleLogin(desk, 'pharmacist', 'Pharm@2026');
    expect(await desk.getByTestId('side-menu').innerText()).toContain('医保电子处方');
    await desk.goto('/console/pharmacy/prescriptions');
    await desk.getByTestId('prescriptions-q').fill(hisRxNo);
    // filtered by another state it is not listed; by its own state and 双通道 it is
    await chooseOption(desk, 'prescriptions-state', '医保拒绝');
    await desk.getByTestId('prescriptions-search').click();
    await desk.locator('[data-testid="prescriptions-table"] .ant-table-placeholder').waitFor();
    expect(await desk.getByTestId(`rx-row-${hisRxNo}`).count()).toBe(0);
    await chooseOption(desk, 'prescriptions-state', '已取药');
    await chooseOption(desk, 'prescriptions-dual', '是');
    await desk.getByTestId('prescriptions-search').click();
    await desk.getByTestId(`rx-row-${hisRxNo}`).click();
    const drawer = desk.getByTestId('rx-drawer');
    await drawer.waitFor();
    await expect.poll(() => desk.getByTestId('rx-drawer-state').innerText()).toBe('已取药');
    expect(await desk.getByTestId('rx-drawer-items').innerText()).toContain('甲磺酸奥希替尼片');
    expect(await desk.getByTestId('rx-drawer-hi-rx-no').innerText()).toBe(server.hiRxNo);
    expect(await desk.getByTestId('rx-drawer-dispensed').innerText()).toContain('中山路');
    expect(await desk.getByTestId('rx-drawer-history').locator('.ant-timeline-item').count()).toBeGreaterThan(
      2,
    );
    await snap(desk, 'console-prescription');
    await context.close();
  });
  it('a 门诊特殊病 prescription without the filing is refused with its reason; once filed, the patient chooses the hospital pharmacy and the HIS bills the drugs for payment', async () => {
    const me = await patientWithSelf('钱玉芬');
    const card = await api('POST', `/api/v1/patients/${me.patientId}/visit-card`, {
      token: me.token,
      body: {},
    });
    const diabetes = (hisRxNo: string) => ({
      hisRxNo,
      visitCardNo: card.visitCardNo,
      patientName: me.name,
      doctor: { code: 'D0215', name: '吴医生', insuranceDoctorCode: 'D330106000215' },
      department: { code: 'NFM', name: '内分泌科' },
      issuedAt: new Date().toISOString(),
      validDays: 7,
      kind: 'special_disease',
      specialDisease: { code: 'M01600', name: '糖尿病' },
      diagnoses: [{ code: 'E11.900', name: '2型糖尿病' }],
      items: [
        {
          drugCode: 'Y0505',
          name: '盐酸二甲双胍缓释片',
          spec: '0.5g*30片',
          dosageForm: '缓释片',
          quantity: 2,
          unit: '盒',
          unitPriceFen: 2480,
          dose: '1g',
          frequency: '每日一次',
          route: '口服',
          days: 30,
          dualChannel: false,
        },
      ],
    });
    const stateOf = async (id: string) =>
      (await api('GET', `/api/v1/prescriptions/${id}`, { token: me.token })).state;

    // no 门慢门特备案 at insurance: the centre refuses it, and the patient reads why
    const refused = await his.push('/api/integration/v1/prescriptions', diabetes(`RXSD${Date.now()}`));
    await expect.poll(() => stateOf(refused.id), { timeout: 90_000, interval: 1000 }).toBe('rejected');
    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto(`/prescriptions/${refused.id}`);
    await expect.poll(() => page.getByTestId('rx-detail').getAttribute('data-state')).toBe('rejected');
    expect(await page.getByTestId('rx-notice').innerText()).toContain('糖尿病');
    expect(await page.getByTestId('rx-fill').count()).toBe(0);
    await snap(page, 'rx-special-disease-refused');

    // after the filing the next prescription circulates; only 门特-capable pharmacies are offered
    const pharmacist = await pharmacistToken();
    await api('POST', '/api/v1/sandbox/prescriptions/special-disease-filings', {
      token: pharmacist,
      body: { patientId: me.patientId, diseaseCode: 'M01600', diseaseName: '糖尿病' },
    });
    const hisRxNo = `RXSD${Date.now()}`;
    const filed = await his.push('/api/integration/v1/prescriptions', diabetes(hisRxNo));
    await expect.poll(() => stateOf(filed.id), { timeout: 90_000, interval: 1000 }).toBe('circulating');
    await page.goto(`/prescriptions?patient=${me.patientId}`);
    const item = page.locator(`[data-testid="rx-item"][data-his-rx-no="${hisRxNo}"]`);
    await item.getByTestId('rx-tag-special').waitFor();
    expect(await item.getByTestId('rx-tag-special').innerText()).toContain('糖尿病');
    expect(await page.getByTestId('rx-item').count()).toBe(2);
    await snap(page, 'rx-special-disease-list');
    await item.click();
    await page.getByTestId('rx-pharmacies').waitFor();
    const offered = await page
      .getByTestId('rx-pharmacy-option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    expect(offered.length).toBeGreaterThan(0);
    expect(offered).not.toContain('P002'); // 双通道 but not a 门诊特殊病 pharmacy
    expect(offered).not.toContain('P004');

    await page.getByTestId('rx-fill-hospital').click();
    await page.getByTestId('rx-fill-confirm').click();
    await expect.poll(() => page.getByTestId('rx-detail').getAttribute('data-state')).toBe('at_hospital');
    await toastGone(page);
    expect(await page.getByTestId('rx-notice').innerText()).toContain('门诊药房');
    await snap(page, 'rx-at-hospital');

    // the HIS (his-sim in the demo) hears it and pushes the pharmacy bill: the patient pays it as usual
    const billNo = `${hisRxNo}-YF`;
    await expect
      .poll(
        async () =>
          (await api('GET', `/api/v1/bills?patientId=${me.patientId}`, { token: me.token })).items.map(
            (b: any) => b.billNo,
          ),
        { timeout: 60_000, interval: 1000 },
      )
      .toContain(billNo);
    await page.getByTestId('rx-go-pay').click();
    await page.getByTestId('bills-page').waitFor();
    const bill = page.locator(`[data-testid="bill-item"][data-bill-no="${billNo}"]`);
    await bill.waitFor();
    expect(await bill.getByTestId('bill-amount').innerText()).toContain('49.60');
    expect(await bill.getByTestId('bill-items').innerText()).toContain('盐酸二甲双胍缓释片');
    await snap(page, 'rx-hospital-bill');
    await close();
  });
});
