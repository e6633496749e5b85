import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The module rules of `npm run lint` (docs/architecture.md, "Module surfaces"): another module only
// through its index.ts, test fixtures (testing.ts) only from tests, and no cycle between modules.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const SURFACES = '.dependency-cruiser.cjs';
const CYCLES = '.dependency-cruiser-modules.cjs';

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

async function cruise(cwd: string, config: string, dirs: string[]): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [DEPCRUISE, '--config', config, '--output-type', 'json', ...dirs],
    { cwd, maxBuffer: 1 << 28 },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}
const brief = (vs: Violation[]) => vs.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();

describe('module rules', () => {
  let dir: string;
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };

  beforeAll(() => {
    // Two modules and a platform file, laid out like the server, under the real rule files.
    dir = mkdtempSync(join(tmpdir(), 'module-rules-'));
    copyFileSync(join(ROOT, SURFACES), join(dir, SURFACES));
    copyFileSync(join(ROOT, CYCLES), join(dir, CYCLES));
    put(
      'tsconfig.json',
      JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' } }),
    );
    const m = 'apps/server/src/modules';
    put(`${m}/alpha/index.ts`, `export { total } from './service.js';\n`);
    put(`${m}/alpha/service.ts`, `export const total = (n: number) => n + 1;\n`);
    put(`${m}/alpha/test-helpers.ts`, `export const fixture = 1;\n`);
    put(`${m}/alpha/testing.ts`, `export { fixture } from './test-helpers.js';\n`);
    put(`${m}/beta/index.ts`, `export { twice } from './service.js';\n`);
    put(
      `${m}/beta/service.ts`,
      `import { total } from '../alpha/index.js';\nexport const twice = (n: number) => total(n) * 2;\n`,
    );
    put(
      `${m}/beta/beta.test.ts`,
      `import { fixture } from '../alpha/testing.js';\nexport const f = fixture;\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts modules that use each other through index.ts, and tests that use testing.ts', async () => {
    expect(await cruise(dir, SURFACES, ['apps'])).toEqual([]);
    expect(await cruise(dir, CYCLES, ['apps/server/src/modules'])).toEqual([]);
  });

  it("refuses an import of another module's internal file, from a module or from outside, and test fixtures in production code", async () => {
    const m = 'apps/server/src/modules';
    put(`${m}/beta/leak.ts`, `import { total } from '../alpha/service.js';\nexport const leak = total;\n`);
    put(
      'apps/server/src/platform/peek.ts',
      `import { total } from '../modules/alpha/service.js';\nexport const peek = total;\n`,
    );
    put(
      `${m}/beta/prod.ts`,
      `import { fixture } from '../alpha/testing.js';\nexport const prod = fixture;\n`,
    );
    try {
      expect(brief(await cruise(dir, SURFACES, ['apps']))).toEqual([
        `module-internals-from-outside: apps/server/src/platform/peek.ts -> ${m}/alpha/service.ts`,
        `module-internals: ${m}/beta/leak.ts -> ${m}/alpha/service.ts`,
        `testing-surface-only-in-tests: ${m}/beta/prod.ts -> ${m}/alpha/testing.ts`,
      ]);
    } finally {
      for (const f of [`${m}/beta/leak.ts`, 'apps/server/src/platform/peek.ts', `${m}/beta/prod.ts`])
        rmSync(join(dir, f));
    }
  });

  it('refuses a cycle between two modules, even when both go through index.ts', async () => {
    const m = 'apps/server/src/modules';
    put(`${m}/alpha/back.ts`, `import { twice } from '../beta/index.js';\nexport const back = twice;\n`);
    try {
      const found = await cruise(dir, CYCLES, ['apps/server/src/modules']);
      expect(found.map((v) => v.rule.name)).toContain('module-cycle');
      expect(new Set(found.map((v) => v.from))).toEqual(new Set([`${m}/alpha`, `${m}/beta`]));
      // The surface rules alone do not see it: each import names an index.ts.
      expect(await cruise(dir, SURFACES, ['apps'])).toEqual([]);
    } finally {
      rmSync(join(dir, `${m}/alpha/back.ts`));
    }
  });

  it('finds no violation in the real tree', async () => {
    expect(brief(await cruise(ROOT, SURFACES, ['apps', 'packages', 'bench', 'tests']))).toEqual([]);
    expect(brief(await cruise(ROOT, CYCLES, ['apps/server/src/modules']))).toEqual([]);
  });
});
