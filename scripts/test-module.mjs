#!/usr/bin/env node
// `npm run test:module -- registration exams`: the module tests (vitest project `module`) of the named
// server modules, on PGlite or, with TEST_DATABASE_URL, on PostgreSQL. Other vitest flags pass through
// (`-t "refund"`, `--reporter dot`); a path instead of a name works too. With no name: every module test.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const filters = [];
const flags = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg.startsWith('-')) {
    flags.push(arg);
    // `-t name` and `--flag value` keep their value with them
    if (!arg.includes('=') && args[i + 1] !== undefined && !args[i + 1].startsWith('-') && takesValue(arg)) {
      flags.push(args[++i]);
    }
    continue;
  }
  if (arg.includes('/')) {
    filters.push(arg);
    continue;
  }
  const dir = `apps/server/src/modules/${arg}/`;
  if (!existsSync(join(root, dir))) {
    console.error(`No module "${arg}" in apps/server/src/modules/`);
    process.exit(2);
  }
  filters.push(dir);
}

function takesValue(flag) {
  return ['-t', '--testNamePattern', '--reporter', '--bail', '--retry', '--shard', '--maxWorkers'].includes(
    flag,
  );
}

const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--project', 'module', ...flags, ...filters], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
