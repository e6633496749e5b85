import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { openPglite, openPostgres, type Database } from '../db/client.js';
import { buildApp, type App, type BuildOptions } from '../app.js';
import { ControlledClock } from '../platform/clock.js';
import { testConfig } from './config.js';
import { withDatabase } from './global-setup.js';

export interface TestApp {
  app: App;
  clock: ControlledClock;
  database: Database;
  api: Api;
  close(): Promise<void>;
}

export interface TestAppOptions {
  config?: Record<string, string>;
  clock?: ControlledClock;
  adapters?: BuildOptions['adapters'];
  /** pool size on PostgreSQL (concurrency tests want more) */
  poolSize?: number;
}

/** An isolated, migrated and demo-seeded database for this test file, and an app on it. */
export async function openTestDatabase(
  poolSize = 10,
): Promise<{ database: Database; drop(): Promise<void> }> {
  const pgTemplate = inject('pgTemplate');
  const url = process.env.TEST_DATABASE_URL;
  if (pgTemplate && url) {
    const name = `qn_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplate}`);
    await admin.end();
    const database = await openPostgres(withDatabase(url, name), poolSize);
    return {
      database,
      drop: async () => {
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const file = inject('pgliteTemplate');
  if (!file) throw new Error('test template missing: run tests through vitest with the global setup');
  const database = await openPglite({ loadDataDir: new Blob([readFileSync(file)]) });
  return { database, drop: async () => undefined };
}

/** Where a test app's clock starts unless the test brings its own. */
export const TEST_CLOCK_START = '2026-11-23T01:00:00Z';

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const { database, drop } = await openTestDatabase(opts.poolSize);
  const clock = opts.clock ?? new ControlledClock(TEST_CLOCK_START);
  const app = await buildApp({
    config: testConfig(opts.config),
    database,
    clock,
    adapters: opts.adapters,
    logger: false,
  });
  return {
    app,
    clock,
    database,
    api: makeApi(app),
    close: async () => {
      await app.close();
      await app.ctx.jobs.stop();
      await database.close();
      await drop();
    },
  };
}

export const isPostgres = () => Boolean(inject('pgTemplate') && process.env.TEST_DATABASE_URL);

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
}

export type Api = {
  [M in 'get' | 'post' | 'put' | 'patch' | 'delete']: <T = any>(
    url: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string },
  ) => Promise<ApiResponse<T>>;
};

/** Calls an app through inject, as a client would (one per app when a test builds several). */
export function makeApi(app: App): Api {
  const call =
    (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE') =>
    async (
      url: string,
      opts: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
    ) => {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let payload: string | undefined;
      if (opts.rawBody !== undefined) {
        payload = opts.rawBody;
        headers['content-type'] ??= 'application/json';
      } else if (opts.body !== undefined) {
        payload = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const res = await app.inject({ method, url, headers, payload });
      let body: unknown = res.body;
      const type = String(res.headers['content-type'] ?? '');
      if (type.includes('json') && res.body) body = JSON.parse(res.body);
      return { status: res.statusCode, body, headers: res.headers, raw: res };
    };
  return {
    get: call('GET'),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
  } as Api;
}
