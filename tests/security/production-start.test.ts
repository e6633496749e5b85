import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 9, findings 2 and 3: production started with the published demo keys and kept every sandbox
// on (the sandbox payment channel with its published notification key, a login that accepts any code,
// the console SMS sender). Each case starts the real entry point, as an operator would.

const root = new URL('../..', import.meta.url).pathname;
const strong = () => randomBytes(32).toString('hex');
const EVERY_SANDBOX = 'payment,login,sms,insurance,cards,einvoice,credit,exam,his,identity';

/** A production environment with good keys and every sandbox this configuration runs allowed. */
const goodProduction = (): Record<string, string> => ({
  NODE_ENV: 'production',
  JWT_SECRET: strong(),
  PII_ENCRYPTION_KEY: strong(),
  PII_INDEX_KEY: strong(),
  INSURANCE_SANDBOX_SECRET: strong(),
  ALLOW_SANDBOX: EVERY_SANDBOX,
  LOG_LEVEL: 'warn',
});

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Starts `node --import tsx apps/server/src/main.ts` and waits for it to exit on its own. */
function start(env: Record<string, string>, dataDir: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

function withDataDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'qn-prod-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('a production start refuses what is unsafe', () => {
  it('stops with the published demo JWT secret, naming the variable', async () => {
    const run = await withDataDir((dir) =>
      start({ ...goodProduction(), JWT_SECRET: 'qingnang-demo-jwt-secret-change-me-in-production' }, dir),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Production start refused');
    expect(run.stderr).toContain('JWT_SECRET equals a default written in the code');
    // refused before anything was opened or listened on
    expect(run.stdout).not.toContain('Qingnang is running');
  });

  it('stops with a PII key shorter than 32 bytes, naming it', async () => {
    const run = await withDataDir((dir) =>
      start({ ...goodProduction(), PII_INDEX_KEY: 'a-short-but-not-demo-key' }, dir),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/PII_INDEX_KEY is too short: 24 bytes, at least 32 are needed/);
  });

  it('stops when a sandbox adapter in use is not named in ALLOW_SANDBOX', async () => {
    const run = await withDataDir((dir) =>
      start({ ...goodProduction(), ALLOW_SANDBOX: EVERY_SANDBOX.replace('payment,', '') }, dir),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('ALLOW_SANDBOX does not name "payment"');
    expect(run.stderr).not.toContain('does not name "sms"');
  });

  it('stops without ALLOW_SANDBOX at all, listing every sandbox the configuration runs', async () => {
    const env = goodProduction();
    delete (env as Partial<typeof env>).ALLOW_SANDBOX;
    const run = await withDataDir((dir) => start(env, dir));
    expect(run.code).not.toBe(0);
    for (const s of ['payment', 'login', 'sms', 'insurance', 'cards', 'einvoice', 'credit', 'exam', 'his'])
      expect(run.stderr).toContain(`ALLOW_SANDBOX does not name "${s}"`);
  });

  it('starts with good keys and the sandboxes it needs listed, says so loudly, and hides metrics and docs', async () => {
    await withDataDir(async (dir) => {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...goodProduction(),
          DATA_DIR: dir,
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
          JOBS_ENABLED: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      try {
        const base = `http://127.0.0.1:${port}`;
        await waitReady(`${base}/api/ready`, () => child.exitCode, 200_000);
        for (const s of EVERY_SANDBOX.split(','))
          expect(stderr).toContain(`SANDBOX ADAPTER "${s}" IS ENABLED IN PRODUCTION (ALLOW_SANDBOX)`);

        const metrics = await fetch(`${base}/api/metrics`);
        expect(metrics.status).toBe(404);
        expect((await metrics.json()).code).toBe('ROUTE_NOT_FOUND');
        expect((await fetch(`${base}/api/openapi.json`)).status).toBe(404);
        expect((await fetch(`${base}/api/docs`)).status).toBe(404);
        // production never seeds: the demo administrator does not exist
        const login = await fetch(`${base}/api/v1/staff/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'Admin@2026' }),
        });
        expect(login.status).toBe(401);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      }
    });
  }, 240_000);
});

async function waitReady(url: string, exited: () => number | null, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (exited() !== null) throw new Error(`server exited with ${exited()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('server did not become ready');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}
