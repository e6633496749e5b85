import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.js';

/** Both drivers answer raw `db.execute(sql...)` with `{ rows }`. */
export interface QueryResultHKT extends PgQueryResultHKT {
  type: { rows: Record<string, unknown>[] };
}

export type Db = PgDatabase<QueryResultHKT, typeof schema>;

/** The handle `db.transaction(fn)` passes to fn: for work that must run inside a caller's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The database or an open transaction: for queries that may join a caller's transaction or run alone (inside a transaction pass only tx). */
export type DbOrTx = Db | Tx;

/** Runs raw SQL on whichever engine is underneath (used by migrations and pg-boss). */
export interface RawSql {
  /** One statement with parameters. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  /** Several statements, no parameters. */
  exec(text: string): Promise<void>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  raw: RawSql;
  /** Runs fn on one connection (session-level locks); PGlite has only one anyway. */
  session<T>(fn: (raw: RawSql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PostgreSQL only: the connection string (to reopen after a simulated restart). */
  url?: string;
  /** PGlite only: the underlying instance (for dumping a template in tests). */
  pglite?: PGlite;
}

export async function openPglite(
  opts: { dataDir?: string; loadDataDir?: Blob | File } = {},
): Promise<Database> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const client = new PGlite({ dataDir: opts.dataDir, loadDataDir: opts.loadDataDir });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const raw: RawSql = {
    query: async (text, values) => {
      const r = await client.query(text, values as unknown[] | undefined);
      return { rows: r.rows as never[] };
    },
    exec: async (text) => {
      await client.exec(text);
    },
  };
  return {
    kind: 'pglite',
    db,
    pglite: client,
    raw,
    session: (fn) => fn(raw),
    close: () => client.close(),
  };
}

export async function openPostgres(url: string, max = 20): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // Surface broken connections instead of crashing the process on an idle-client error.
  pool.on('error', () => undefined);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    url,
    db,
    raw: {
      query: async (text, values) => {
        const r = await pool.query(text, values as unknown[] | undefined);
        return { rows: r.rows };
      },
      exec: async (text) => {
        await pool.query(text);
      },
    },
    session: async (fn) => {
      const conn = await pool.connect();
      try {
        return await fn({
          query: async (text, values) => ({
            rows: (await conn.query(text, values as unknown[] | undefined)).rows,
          }),
          exec: async (text) => {
            await conn.query(text);
          },
        });
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

export function openDatabase(cfg: {
  DATABASE_URL?: string;
  DATA_DIR: string;
  DATABASE_POOL_MAX?: number;
}): Promise<Database> {
  return cfg.DATABASE_URL
    ? openPostgres(cfg.DATABASE_URL, cfg.DATABASE_POOL_MAX)
    : openPglite({ dataDir: cfg.DATA_DIR });
}
