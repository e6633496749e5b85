import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { desktop, launch, phone, snap } from './support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('the two web apps are served', () => {
  it('the patient H5 opens at / on a phone-sized screen', async () => {
    const { page, context } = await phone(browser);
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#root').innerHTML()).not.toBe('');
    await snap(page, 'smoke-patient-home');
    await context.close();
  });

  it('the staff console opens at /console/', async () => {
    const { page, context } = await desktop(browser);
    const res = await page.goto('/console/');
    expect(res?.status()).toBe(200);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#root').innerHTML()).not.toBe('');
    await snap(page, 'smoke-console-login');
    await context.close();
  });
});
