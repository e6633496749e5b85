import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Plain SQL migrations, applied in file-name order, each in its own transaction, recorded in
 * _migrations. Files are numbered per module (0100_identity.sql, 0200_directory.sql ...) so that
 * modules can add migrations independently; a migration is never edited after it is committed.
 * On PostgreSQL an advisory lock keeps two starting instances from migrating at once.
 */
export async function migrate(database: Database): Promise<string[]> {
  return database.session(async (raw) => {
    await raw.query('SELECT pg_advisory_lock(724001)');
    try {
      await raw.exec(
        `CREATE TABLE IF NOT EXISTS _migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (await raw.query<{ name: string }>('SELECT name FROM _migrations')).rows.map((r) => r.name),
      );
      const applied: string[] = [];
      for (const file of listMigrations()) {
        if (done.has(file)) continue;
        const text = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
        await raw
          .exec(`BEGIN;\n${text}\n;INSERT INTO _migrations(name) VALUES ('${file}');\nCOMMIT;`)
          .catch(async (e) => {
            await raw.exec('ROLLBACK').catch(() => undefined);
            throw new Error(`migration ${file} failed: ${(e as Error).message}`);
          });
        applied.push(file);
      }
      return applied;
    } finally {
      await raw.query('SELECT pg_advisory_unlock(724001)');
    }
  });
}

export function listMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

export async function pendingMigrations(database: Database): Promise<string[]> {
  const rows = await database.raw
    .query<{ name: string }>('SELECT name FROM _migrations')
    .then((r) => r.rows)
    .catch(() => []);
  const done = new Set(rows.map((r) => r.name));
  return listMigrations().filter((f) => !done.has(f));
}
