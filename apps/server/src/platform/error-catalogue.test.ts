import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blacklistErrors, defineErrorCatalogue, notificationErrors } from '@qingnang/contracts';
import { raisers } from './error-catalogue.js';
import { DomainError } from './errors.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('error catalogues', () => {
  const catalogue = defineErrorCatalogue({
    THING_NOT_FOUND: { status: 404, zh: '东西不存在', en: 'Thing not found' },
    THING_LOCKED: {
      status: 423,
      zh: (p: { until: string }) => `锁定至 ${p.until}`,
      en: (p: { until: string }) => `Locked until ${p.until}`,
    },
  });
  const errors = raisers(catalogue);

  it('builds an error with the code, status and both messages of its one definition', () => {
    const e = errors.THING_NOT_FOUND({ id: 'x' });
    expect(e).toBeInstanceOf(DomainError);
    expect([e.code, e.status, e.zh, e.en, e.details]).toEqual([
      'THING_NOT_FOUND',
      404,
      '东西不存在',
      'Thing not found',
      { id: 'x' },
    ]);
  });

  it('writes the values an error carries into both messages', () => {
    const e = errors.THING_LOCKED({ until: '2026-12-01' });
    expect([e.code, e.status, e.zh, e.en]).toEqual([
      'THING_LOCKED',
      423,
      '锁定至 2026-12-01',
      'Locked until 2026-12-01',
    ]);
  });

  const catalogued = { blacklist: blacklistErrors, notifications: notificationErrors };

  it('gives every catalogued code a 4xx status and a Chinese and an English message', () => {
    for (const catalogue of Object.values(catalogued))
      for (const [code, def] of Object.entries(catalogue)) {
        expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect(def.status).toBeGreaterThanOrEqual(400);
        expect(def.status).toBeLessThan(500);
        expect(def.zh).toBeTruthy();
        expect(def.en).toBeTruthy();
      }
  });

  it.each(Object.keys(catalogued))('keeps the %s module from spelling an error at a throw site', (m) => {
    const dir = join(here, '../modules', m);
    const spelled = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) =>
        readFileSync(join(dir, f), 'utf8')
          .split('\n')
          .filter((l) => /new DomainError\(|\b(conflict|badRequest|notFound|forbidden)\(/.test(l))
          .map((l) => `${f}: ${l.trim()}`),
      );
    expect(spelled).toEqual([]);
  });
});
