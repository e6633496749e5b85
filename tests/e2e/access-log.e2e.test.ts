import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, launch, phoneAs, snap } from './support/browser.js';
import { api, integrationChannel, patientSession, uniquePhone } from './support/api.js';

// PIPL Art. 45 查询记录: a patient sees who looked at a family member's records. Staff appear by
// role and department, never by name; each entry says what was read, when and on what ground.

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

const staffLogin = async (username: string, password: string) =>
  (await api('POST', '/api/v1/staff/auth/login', { body: { username, password } })).accessToken as string;

describe('patient H5: who viewed my records', () => {
  it('after the operator opens a lab report, the family sees the read by role, kind and ground', async () => {
    // 陈静 is one of the sandbox real-name provider's people (README "Demo people"): this account
    // holds her as a spouse, and she consents with the code sent to her own phone (IDN-10).
    const person = { name: '陈静', idNumber: '330106199511300621' };
    const accountPhone = uniquePhone();
    const sent = await api('POST', '/api/v1/auth/sms-codes', { body: { phone: accountPhone } });
    const login = await api('POST', '/api/v1/auth/sms-login', {
      body: { phone: accountPhone, code: sent.sandboxCode },
    });
    const token = login.accessToken as string;
    const member = await api('POST', '/api/v1/patients', {
      token,
      body: { ...person, idType: 'resident_id', phone: uniquePhone(), relation: 'spouse' },
    });
    const consent = await api('POST', `/api/v1/patients/${member.id}/consent/request`, { token });
    await api('POST', `/api/v1/patients/${member.id}/consent/confirm`, {
      token,
      body: { code: consent.sandboxCode },
    });
    const lis = await integrationChannel(['lis.reports.push'], 'other');
    const report = await lis.push('/api/integration/v1/his/lis/reports', {
      reportNo: `E2EAL${Date.now().toString(36)}`,
      kind: 'lab',
      patient: person,
      title: '血常规',
      department: '检验科',
      status: 'final',
      reportedAt: new Date().toISOString(),
      observations: [{ code: 'WBC', name: '白细胞', value: 6.1, unit: '10^9/L', refLow: 3.5, refHigh: 9.5 }],
    });

    const { page, close } = await phoneAs(browser, {
      accessToken: token,
      refreshToken: login.refreshToken,
    });
    await page.goto('/me');
    await page.getByTestId('me-access-log').click();
    await page.getByTestId('access-log-page').waitFor();
    await page.getByTestId('patient-switch-item').filter({ hasText: person.name }).click();
    await page.getByTestId('access-log-intro').waitFor();

    const operator = await staffLogin('operator', 'Oper@2026');
    await api('GET', `/api/v1/admin/reports/${report.reportId}`, { token: operator });

    await page.reload();
    // other browser flows may read this demo person's records too: look at this report's entry
    const item = page.locator(`[data-testid="access-log-item"][data-object="${report.reportId}"]`);
    await item.waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('data-kind')).toBe('report');
    expect(await item.getAttribute('data-ground')).toBe('service');
    const text = await item.innerText();
    expect(text).toContain('运营人员');
    expect(text).toContain('查看了检查检验报告');
    expect(text).toContain('依据：患者服务');
    expect(text).toMatch(/记录编号 \d+/);
    // the operator's own name stays with the hospital
    expect(await page.locator('body').innerText()).not.toContain('运营专员');
    await snap(page, 'patient-access-log');

    // the family member's own page leads to the same log
    await page.goto(`/patients/${member.id}`);
    await page.getByTestId('patient-access-log').click();
    await page.locator(`[data-testid="access-log-item"][data-object="${report.reportId}"]`).waitFor();

    // the same entry through the API, and no other account may ask for it
    const log = await api('GET', `/api/v1/patients/${member.id}/access-log`, { token });
    expect(log.items.find((e: any) => e.objectId === report.reportId)).toMatchObject({
      recordKind: 'report',
      ground: 'service',
      actor: { kind: 'staff', roles: [{ code: 'operator' }] },
    });
    const other = await patientSession();
    const res = await fetch(`${baseUrl()}/api/v1/patients/${member.id}/access-log`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(res.status).toBe(404);
    await close();
  });
});
