import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
export const ARTIFACTS = join(root, 'test-results/e2e');

export const baseUrl = () => inject('baseUrl');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}

/** A phone-sized page (375×812) as inside WeChat, in Chinese. */
export async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    baseURL: baseUrl(),
  });
  return { context, page: await context.newPage() };
}

/** The patient H5 on a phone, already logged in with these tokens (stored as the login page stores them). */
export async function phoneAs(
  browser: Browser,
  tokens: { accessToken: string; refreshToken: string },
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const { page, context } = await phone(browser);
  await page.goto('/');
  await page.evaluate((t) => localStorage.setItem('qn.patient.tokens', JSON.stringify(t)), tokens);
  return { context, page, close: () => context.close() };
}

export async function desktop(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    baseURL: baseUrl(),
  });
  return { context, page: await context.newPage() };
}

/** Screenshots are kept as test artifacts in test-results/e2e/. */
export async function snap(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
