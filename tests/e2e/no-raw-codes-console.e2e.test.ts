import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as contracts from '@qingnang/contracts';
import { desktop, launch, snap } from './support/browser.js';
import { api, hospitalDay, patientSession, uniquePhone } from './support/api.js';

/**
 * Every staff role walks every page its menu offers, at 1440×900 in Chinese, with bookings,
 * payments and a refund present: no page shows a raw code, an id or a requirement number, no page
 * of the menu answers 403, wide tables keep their last column in view and the last menu item is
 * not hidden under the collapse button.
 */

const ROLES = [
  { username: 'admin', password: 'Admin@2026' },
  { username: 'operator', password: 'Oper@2026' },
  { username: 'doctor', password: 'Doctor@2026' },
  { username: 'nurse', password: 'Nurse@2026' },
  { username: 'pharmacist', password: 'Pharm@2026' },
  { username: 'finance', password: 'Finance@2026' },
  { username: 'medic', password: 'Medic@2026' },
];

const root = new URL('../..', import.meta.url).pathname;

/** Every code a shared label table names (lower-case, snake, dotted or upper-case channel codes). */
const LABELLED_CODES = new Set(
  Object.values(contracts)
    .filter((v): v is Record<string, { zh: string; en: string }> => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
      const first = Object.values(v)[0] as unknown;
      return !!first && typeof first === 'object' && 'zh' in (first as object) && 'en' in (first as object);
    })
    .flatMap((table) => Object.keys(table))
    .filter((code) => code.length >= 3 && /^[A-Za-z][A-Za-z0-9_.-]*$/.test(code))
    // staff login names and role codes (admin, doctor ...) are identifiers an administrator typed
    .filter((code) => !ROLES.some((r) => r.username === code)),
);

/** The requirement catalogue's prefixes (REG-05, GUIDE-10 ...): such numbers are never for staff eyes. */
const REQUIREMENT_PREFIXES = [
  ...new Set(
    [...readFileSync(`${root}docs/features.md`, 'utf8').matchAll(/\b([A-Z]{2,8})-\d{2}\b/g)].map((m) => m[1]),
  ),
];

const PATTERNS: [string, RegExp][] = [
  ['uuid', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi],
  ['requirement id', new RegExp(`\\b(?:${REQUIREMENT_PREFIXES.join('|')})-\\d{2}\\b`, 'g')],
  ['dotted code', /\b[a-z]+(?:\.[a-z_-]+)+\b/g],
  ['snake code', /\b[a-z]+(?:_[a-z]+)+\b/g],
  ['upper-case code', /\b[A-Z]+(?:_[A-Z]+)+\b/g],
  // a whole word, not part of an identifier such as the channel code his-sim
  ['word', /(?<![\w.-])[A-Za-z][A-Za-z_]{2,}(?![\w.-])/g],
];

/** What on a page's text is a raw code: a UUID, a requirement number, a dotted/snake code or a labelled enum. */
export function rawCodesIn(text: string): string[] {
  const found = new Set<string>();
  for (const [kind, re] of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const hit = m[0];
      if (kind === 'word') {
        if (LABELLED_CODES.has(hit)) found.add(hit);
      } else found.add(hit);
    }
  }
  return [...found];
}

let browser: Browser;
let paidOrderNo: string;

beforeAll(async () => {
  browser = await launch();
  // data on the lists: one paid booking, one the patient cancelled (a refund the patient asked for)
  const patient = await patientSession();
  // a person the sandbox real-name register knows (README, "Demo people"), used by no other browser test
  const self = await api('POST', '/api/v1/patients', {
    token: patient.token,
    body: {
      name: '赵磊',
      idType: 'resident_id',
      idNumber: '210102197002090134',
      phone: uniquePhone(),
      relation: 'self',
    },
  });
  const admin = await api('POST', '/api/v1/staff/auth/login', {
    body: { username: 'admin', password: 'Admin@2026' },
  });
  const week = await api('GET', `/api/v1/admin/schedules?from=${hospitalDay(1)}&to=${hospitalDay(7)}`, {
    token: admin.accessToken,
  });
  const picks: { schedule: any; segment: any }[] = [];
  for (const s of week.items) {
    if (s.state !== 'open' || !s.released || s.feeFen <= 0) continue;
    if (picks.some((p) => p.schedule.clinicDate === s.clinicDate)) continue;
    const segment = s.segments.find((g: any) => g.state === 'open' && g.remaining > 0);
    if (segment) picks.push({ schedule: s, segment });
    if (picks.length === 2) break;
  }
  expect(picks).toHaveLength(2);
  const kept = await bookPaid(patient.token, self.id, picks[0]);
  paidOrderNo = kept.payment.orderNo;
  const cancelled = await bookPaid(patient.token, self.id, picks[1]);
  await api('POST', `/api/v1/registrations/${cancelled.id}/cancel`, {
    token: patient.token,
    body: { reason: '行程有变' },
  });
  // staff reads that the audit log then lists: a patient opened, registrations searched
  const operator = await api('POST', '/api/v1/staff/auth/login', {
    body: { username: 'operator', password: 'Oper@2026' },
  });
  await api('GET', `/api/v1/admin/patients/${self.id}`, { token: operator.accessToken });
  await api('GET', `/api/v1/admin/registrations?from=${hospitalDay(1)}&to=${hospitalDay(7)}`, {
    token: admin.accessToken,
  });
}, 240_000);
afterAll(async () => browser?.close());

/** Books and pays (sandbox) a slot and waits for the payment's confirmation (set-up, outside a test). */
async function bookPaid(token: string, patientId: string, at: { schedule: any; segment: any }) {
  const reg = await api('POST', '/api/v1/registrations', {
    token,
    body: {
      patientId,
      scheduleId: at.schedule.id,
      segmentId: at.segment.id,
      idempotencyKey: `raw-codes-${Date.now()}-${at.segment.id}`,
    },
  });
  await api('POST', `/api/v1/payments/orders/${reg.payment.orderId}/pay`, {
    token,
    body: { channel: 'sandbox' },
  });
  await api('POST', `/api/v1/payments/sandbox/${reg.payment.orderNo}/complete`, {
    token,
    body: { outcome: 'success' },
  });
  for (let i = 0; i < 120; i++) {
    if ((await api('GET', `/api/v1/registrations/${reg.id}`, { token })).state === 'booked') return reg;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`registration ${reg.id} was not confirmed`);
}

/** Logs in through the API and hands the console its tokens, as the login page stores them. */
async function openAs(role: (typeof ROLES)[number]) {
  const login = await api('POST', '/api/v1/staff/auth/login', {
    body: { username: role.username, password: role.password },
  });
  const me = await api('GET', '/api/v1/staff/me', { token: login.accessToken });
  const { page, context } = await desktop(browser);
  const refused: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 403 && r.url().includes('/api/')) refused.push(`${r.request().method()} ${r.url()}`);
  });
  await page.goto('/console/login');
  await page.evaluate((t) => localStorage.setItem('qn.console.tokens', JSON.stringify(t)), {
    accessToken: login.accessToken,
    refreshToken: login.refreshToken,
  });
  return { page, context, refused, menus: me.menus as { key: string; path: string; zh: string }[] };
}

/** Waits until the page's lists have loaded (no spinner, no skeleton). */
async function settled(page: Page) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForFunction(
    () => !document.querySelector('.ant-spin-spinning, .ant-skeleton-active'),
    null,
    {
      timeout: 20_000,
    },
  );
}

/** Tables whose last column runs past the table's own box (cut off at this width). */
async function cutTables(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.console-content .ant-table')].flatMap((t) => {
      const heads = t.querySelectorAll('thead th');
      const last = heads[heads.length - 1];
      if (!last) return [];
      const box = t.getBoundingClientRect();
      const cell = last.getBoundingClientRect();
      return cell.right > box.right + 1 ? [(last as HTMLElement).innerText || '(last column)'] : [];
    }),
  );
}

describe('console pages in Chinese show words, never codes, for every staff role', () => {
  it('finance opens a paid order: the notification panel and refunds read in words', async () => {
    const { page, context, refused } = await openAs(ROLES.find((r) => r.username === 'finance')!);
    await page.goto('/console/payments/orders');
    await settled(page);
    await page.locator('tr', { hasText: paidOrderNo }).getByRole('button', { name: '详情' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('渠道通知').waitFor();
    await settled(page);
    const text = await drawer.innerText();
    expect(text).toContain('支付通知');
    expect(text).toContain('已确认支付');
    expect(rawCodesIn(text)).toEqual([]);
    expect(refused).toEqual([]);
    await snap(page, 'console-finance-order-notifications');

    await page.goto('/console/payments/refunds');
    await settled(page);
    const refunds = await page.locator('.console-content').innerText();
    expect(refunds).toContain('患者');
    expect(rawCodesIn(refunds)).toEqual([]);
    await context.close();
  });

  it('the audit log names the patient opened by masked name, in words', async () => {
    const { page, context } = await openAs(ROLES[0]);
    await page.goto('/console/system/audit');
    await settled(page);
    const text = await page.locator('.console-content').innerText();
    expect(text).toContain('查看患者信息');
    expect(text).toContain('就诊人 · 赵*');
    expect(text).toContain('查询挂号记录');
    expect(rawCodesIn(text)).toEqual([]);
    await snap(page, 'console-audit-log-in-words');
    await context.close();
  });

  for (const role of ROLES) {
    it(`${role.username}: every menu page opens, reads in words and keeps its columns in view`, async () => {
      const { page, context, refused, menus } = await openAs(role);
      expect(menus.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const m of menus) {
        refused.length = 0;
        await page.goto(`/console${m.path === '/' ? '/' : m.path}`);
        await page.getByTestId('side-menu').waitFor();
        await settled(page);
        const text = await page.locator('.console-content').innerText();
        if (/\b403\b/.test(text) || refused.length) problems.push(`${m.key}: refused ${refused.join(', ')}`);
        const raw = rawCodesIn(text);
        if (raw.length) problems.push(`${m.key}: raw ${JSON.stringify(raw)}`);
        const cut = await cutTables(page);
        if (cut.length) problems.push(`${m.key}: last column cut off (${cut.join(', ')})`);
        await snap(page, `console-${role.username}-${m.key}`);
      }
      expect(problems).toEqual([]);

      // the last menu item can be scrolled to and clicked, not covered by the collapse button
      const items = page.locator(
        '[data-testid="side-menu"] [data-testid^="menu-"]:not([data-testid^="menu-group-"])',
      );
      const last = items.last();
      await last.scrollIntoViewIfNeeded();
      const box = (await last.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(900);
      const topmost = await page.evaluate(
        ([x, y]) =>
          document.elementFromPoint(x, y)?.closest('[data-testid^="menu-"]')?.getAttribute('data-testid'),
        [box.x + box.width / 2, box.y + box.height / 2],
      );
      expect(topmost).toBe(await last.getAttribute('data-testid'));
      await context.close();
    }, 600_000);
  }

  it('the raw-code check itself catches what the defects showed', () => {
    expect(rawCodesIn('发起方 patient 操作 registration.search 结果 success')).toEqual(
      expect.arrayContaining(['patient', 'registration.search', 'success']),
    );
    expect(rawCodesIn('模板 registration.no-show 类型 payment 结果 paid')).toEqual(
      expect.arrayContaining(['registration.no-show', 'payment', 'paid']),
    );
    expect(rawCodesIn('对象 0ce46aad-2b53-46ca-b46b-f570e3056b31 需求编号：GUIDE-10')).toHaveLength(2);
    expect(rawCodesIn('异常 HIS_WRITEBACK_FAILED')).toEqual(['HIS_WRITEBACK_FAILED']);
    expect(rawCodesIn('坐标系 GCJ-02 套餐 MALE-40 IP 127.0.0.1 已支付 导出 Excel')).toEqual([]);
  });
});
