import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, phoneAs, snap } from './support/browser.js';
import { api, enrolSandboxPerson, freshResidentId, uniquePhone } from './support/api.js';

// IDN-07 医院档案: after a visit card is created in the H5, the family member's page shows the
// hospital's own file of the patient (the demo server's HIS is the in-process his-sim, which files
// the card on the visit_card.bound event), with the ID and phone numbers masked.

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('patient H5: the HIS record of a family member', () => {
  it('a patient creates a visit card and then sees the hospital file with masked ID and phone', async () => {
    const accountPhone = uniquePhone();
    const sent = await api('POST', '/api/v1/auth/sms-codes', { body: { phone: accountPhone } });
    const login = await api('POST', '/api/v1/auth/sms-login', {
      body: { phone: accountPhone, code: sent.sandboxCode },
    });
    const idNumber = freshResidentId('19820915');
    await enrolSandboxPerson({ name: '褚文静', idNumber });
    const memberPhone = uniquePhone();
    const member = await api('POST', '/api/v1/patients', {
      token: login.accessToken,
      body: { name: '褚文静', idType: 'resident_id', idNumber, phone: memberPhone, relation: 'self' },
    });
    expect(member.visitCardNo ?? null).toBeNull();

    const { page, close } = await phoneAs(browser, {
      accessToken: login.accessToken,
      refreshToken: login.refreshToken,
    });
    await page.goto(`/patients/${member.id}`);
    await page.getByTestId('patient-page').waitFor();
    // without a card there is no file to show, only how to get one
    await page.getByTestId('his-record').waitFor();
    expect(await page.getByTestId('his-record').innerText()).toContain(
      '绑定或办理电子就诊卡后可查看医院档案',
    );
    expect(await page.getByTestId('his-patient-id').count()).toBe(0);

    expect(await page.getByTestId('visit-card-no').innerText()).toBe('未绑定');
    await page.getByTestId('visit-card-create').click();
    let cardNo = '';
    await expect
      .poll(
        async () =>
          (cardNo =
            (await api('GET', `/api/v1/patients/${member.id}`, { token: login.accessToken })).visitCardNo ??
            ''),
        { timeout: 15_000 },
      )
      .not.toBe('');
    await expect.poll(() => page.getByTestId('visit-card-no').innerText(), { timeout: 15_000 }).toBe(cardNo);

    // the HIS files the card a few seconds later; the section waits for it
    await page.getByTestId('his-patient-id').waitFor({ timeout: 30_000 });
    expect((await page.getByTestId('his-patient-id').innerText()).trim()).not.toBe('');
    const idShown = await page.getByTestId('his-id-masked').innerText();
    const phoneShown = await page.getByTestId('his-phone-masked').innerText();
    expect(idShown).toContain('*');
    expect(idShown).not.toContain(idNumber);
    expect(idShown.endsWith(idNumber.slice(-4))).toBe(true);
    expect(phoneShown).toContain('*');
    expect(phoneShown).not.toContain(memberPhone);
    expect(phoneShown.endsWith(memberPhone.slice(-4))).toBe(true);
    const section = await page.getByTestId('his-record').innerText();
    expect(section).toContain('褚文静');
    expect(await page.locator('body').innerText()).not.toContain(idNumber);
    expect(await page.locator('body').innerText()).not.toContain(memberPhone);
    await page.getByTestId('his-record').scrollIntoViewIfNeeded();
    await snap(page, 'patient-his-record');

    // the same file through the API: the one the HIS keeps for this card
    const file = await api('GET', `/api/v1/patients/${member.id}/his-profile`, { token: login.accessToken });
    expect(file).toMatchObject({
      patientId: member.id,
      visitCardNo: cardNo,
      hisPatientId: (await page.getByTestId('his-patient-id').innerText()).trim(),
      idNumberMasked: idShown,
      phoneMasked: phoneShown,
    });
    await close();
  });
});
