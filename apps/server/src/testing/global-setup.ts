import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openPglite, openPostgres } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { buildApp } from '../app.js';
import { seedDemo } from '../db/seed/index.js';
import { testConfig } from './config.js';

/**
 * Migrates and seeds one template database per run; every test file then gets a copy:
 * a PGlite data-directory dump, or a PostgreSQL database created from the template.
 * The `module` and `acceptance` projects both name this file; they share one template, made by
 * whichever starts first and dropped when the last one ends.
 */
export default async function setup(project: TestProject) {
  const holder = globalThis as { qnTemplate?: SharedTemplate };
  const shared = (holder.qnTemplate ??= { users: 0, ready: makeTemplate() });
  shared.users += 1;
  const template = await shared.ready;
  for (const [key, value] of Object.entries(template.provided)) {
    project.provide(key as keyof Provided, value);
  }
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete holder.qnTemplate;
    await template.drop();
  };
}

type Provided = { pgTemplate?: string; pgliteTemplate?: string };
interface Template {
  provided: Provided;
  drop: () => Promise<void>;
}
interface SharedTemplate {
  users: number;
  ready: Promise<Template>;
}

async function makeTemplate(): Promise<Template> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = `qn_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${template}`);
    const database = await openPostgres(withDatabase(url, template), 4);
    await prepare(database);
    await database.close();
    return {
      provided: { pgTemplate: template },
      drop: async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const database = await openPglite();
  await prepare(database);
  const dump = await database.pglite!.dumpDataDir('none');
  const dir = mkdtempSync(join(tmpdir(), 'qn-template-'));
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  return { provided: { pgliteTemplate: file }, drop: async () => {} };
}

async function prepare(database: Awaited<ReturnType<typeof openPglite>>) {
  await migrate(database);
  const app = await buildApp({ config: testConfig(), database, logger: false });
  await seedDemo(app.ctx);
  await app.close();
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate?: string;
    pgliteTemplate?: string;
  }
}
