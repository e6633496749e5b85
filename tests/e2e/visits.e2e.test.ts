import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, hisBill, integrationChannel, patientWithSelf, pushVisit } from './support/api.js';
import type { IntegrationChannel } from './support/api.js';
import { launch, phoneAs, snap } from './support/browser.js';

// GUIDE-09 就诊记录管理 in the browser: a visit shows its e-prescription, its lab report and its fee
// lines, each linking on; after paying the drug bill the medication records list the drug.

let browser: Browser;
let his: IntegrationChannel;
let lis: IntegrationChannel;
beforeAll(async () => {
  browser = await launch();
  his = await integrationChannel(['his.visits.push', 'his.bills.push', 'his.prescriptions.push']);
  lis = await integrationChannel(['lis.reports.push'], 'other');
});
afterAll(async () => browser?.close());

describe('visit records (GUIDE-09)', () => {
  it('a visit shows its prescription, report and fee lines; the paid drug appears in the medication records', async () => {
    const me = await patientWithSelf('钱文清');
    const card = await api('POST', `/api/v1/patients/${me.patientId}/visit-card`, {
      token: me.token,
      body: {},
    });
    const visitNo = `MZV${Date.now()}`;
    await pushVisit(his, me, visitNo, {
      doctorName: '李医生',
      bills: [
        hisBill('prescription', `RX${visitNo}`, [
          { code: 'Y001', name: '阿莫西林胶囊', unit: '盒', quantity: 2, unitPriceFen: 1850 },
        ]),
      ],
    });
    const rx = await his.push('/api/integration/v1/prescriptions', {
      hisRxNo: `RXV${Date.now()}`,
      visitNo,
      visitCardNo: card.visitCardNo,
      patientName: me.name,
      doctor: { code: 'D001', name: '李医生', insuranceDoctorCode: 'D330100000001' },
      department: { code: 'NK', name: '内科' },
      issuedAt: new Date().toISOString(),
      kind: 'ordinary',
      diagnoses: [{ code: 'E11.900', name: '2型糖尿病' }],
      items: [
        {
          drugCode: 'YA0001',
          name: '二甲双胍缓释片',
          spec: '0.5g*30片',
          quantity: 2,
          unit: '盒',
          unitPriceFen: 2350,
          dualChannel: false,
        },
      ],
    });
    const report = await lis.push('/api/integration/v1/his/lis/reports', {
      reportNo: `LV${Date.now()}`,
      kind: 'lab',
      patient: { name: me.name, idNumber: me.idNumber },
      title: '血常规',
      department: '检验科',
      orderedAt: new Date().toISOString(),
      reportedAt: new Date().toISOString(),
      status: 'final',
      observations: [{ code: 'WBC', name: '白细胞', value: 6.1, unit: '10^9/L', refLow: 3.5, refHigh: 9.5 }],
    });

    const { page, close } = await phoneAs(browser, me.tokens);
    await page.goto(`/visits?patient=${me.patientId}`);
    await page.getByTestId('visit-item').first().waitFor();
    await expect
      .poll(() => page.getByTestId('visit-overview-counts').first().textContent())
      .toContain('处方 1 · 报告 1');
    await page.getByTestId('visit-item').first().click();
    await page.getByTestId('visit-prescription').waitFor();
    expect(await page.getByTestId('visit-prescription').getAttribute('data-id')).toBe(rx.id);
    expect(await page.getByTestId('visit-report').getAttribute('data-id')).toBe(report.reportId);
    expect(await page.getByTestId('visit-bill-line').first().textContent()).toContain('阿莫西林胶囊');
    await snap(page, 'guide09-visit-overview');
    await page.getByTestId('visit-report').click();
    await page.getByTestId('report-page').waitFor();
    await page.goBack();
    await page.getByTestId('visit-prescription').click();
    await page.getByTestId('prescription-page').waitFor();

    // nothing paid yet: no medication records
    await page.goto(`/medications?patient=${me.patientId}`);
    await page.getByTestId('medications-page').waitFor();
    await page.getByText('暂无用药记录').waitFor();

    const bills = await api<any>('GET', `/api/v1/bills?patientId=${me.patientId}`, { token: me.token });
    const bill = bills.items.find((b: any) => b.billNo === `RX${visitNo}`);
    const payment = await api<any>('POST', '/api/v1/bill-payments', {
      token: me.token,
      body: { patientId: me.patientId, billIds: [bill.id], idempotencyKey: `e2e-visits-${visitNo}` },
    });
    await api('POST', `/api/v1/payments/orders/${payment.orderId}/pay`, {
      token: me.token,
      body: { channel: 'sandbox' },
    });
    await api('POST', `/api/v1/payments/sandbox/${payment.orderNo}/complete`, {
      token: me.token,
      body: { outcome: 'success' },
    });
    await expect
      .poll(
        async () => (await api<any>('GET', `/api/v1/bill-payments/${payment.id}`, { token: me.token })).state,
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('paid');
    await page.reload();
    await page.getByTestId('medication-item').first().waitFor();
    const items = page.getByTestId('medication-item');
    expect(await items.count()).toBe(1);
    expect(await items.first().getAttribute('data-source')).toBe('hospital_pharmacy');
    expect(await items.first().textContent()).toContain('阿莫西林胶囊');
    await snap(page, 'guide09-medications');
    await close();
  });
});
