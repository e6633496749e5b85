// Screenshots of the patient H5 at 375×812 for a visual check:
//   node apps/patient/scripts/screenshots.mjs http://localhost:3100 /tmp/shots path1 path2 ...
// A path prefixed with "@" is taken after logging in as a fresh sandbox patient.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base = 'http://localhost:3100', out = '/tmp/qn-shots', ...paths] = process.argv.slice(2);
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
  deviceScaleFactor: 1,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
});
const page = await context.newPage();
page.on('console', (m) => m.type() === 'error' && console.log('console error:', m.text()));
page.on('pageerror', (e) => console.log('page error:', e.message));

let loggedIn = false;
async function login() {
  const phone = process.env.PHONE ?? `139${String(Date.now()).slice(-8)}`;
  const api = context.request;
  const sent = await (await api.post(`${base}/api/v1/auth/sms-codes`, { data: { phone } })).json();
  const tokens = await (
    await api.post(`${base}/api/v1/auth/sms-login`, { data: { phone, code: sent.sandboxCode } })
  ).json();
  await page.goto(base + '/');
  await page.evaluate((t) => localStorage.setItem('qn.patient.tokens', JSON.stringify(t)), {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
  });
  loggedIn = true;
}

for (const raw of paths) {
  const needsLogin = raw.startsWith('@');
  const path = needsLogin ? raw.slice(1) : raw;
  if (needsLogin && !loggedIn) await login();
  await page.goto(base + path);
  await page.waitForTimeout(Number(process.env.WAIT ?? 1500));
  const name = path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'home';
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: process.env.FULL === '1' });
  console.log('shot', `${out}/${name}.png`);
}
await browser.close();
