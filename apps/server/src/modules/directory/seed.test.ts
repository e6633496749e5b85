import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { directorySeed, DEMO_CODES } from './seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function counts() {
  const q = async (sql: string) => Number((await t.database.raw.query<{ n: number }>(sql)).rows[0].n);
  return {
    hospitals: await q('SELECT count(*)::int AS n FROM hospital'),
    campuses: await q('SELECT count(*)::int AS n FROM campuses'),
    parents: await q('SELECT count(*)::int AS n FROM departments WHERE parent_id IS NULL'),
    departments: await q('SELECT count(*)::int AS n FROM departments'),
    doctors: await q('SELECT count(*)::int AS n FROM doctors'),
    links: await q('SELECT count(*)::int AS n FROM doctor_departments'),
    prices: await q('SELECT count(*)::int AS n FROM price_items'),
    published: await q("SELECT count(*)::int AS n FROM articles WHERE status = 'published'"),
    drafts: await q("SELECT count(*)::int AS n FROM articles WHERE status = 'draft'"),
    featured: await q('SELECT count(*)::int AS n FROM featured_disciplines'),
    recommended: await q('SELECT count(*)::int AS n FROM recommended_doctors'),
  };
}

describe('the demo hospital seed', () => {
  it('brings a whole hospital: departments in two levels, doctors, prices and articles', async () => {
    const c = await counts();
    expect(c.hospitals).toBe(1);
    expect(c.campuses).toBe(2);
    expect(c.departments).toBeGreaterThanOrEqual(25);
    expect(c.parents).toBeGreaterThanOrEqual(5);
    expect(c.doctors).toBeGreaterThanOrEqual(80);
    expect(c.links).toBeGreaterThan(c.doctors); // several doctors work in two departments
    expect(c.prices).toBeGreaterThanOrEqual(300);
    expect(c.published).toBeGreaterThanOrEqual(20);
    expect(c.drafts).toBeGreaterThanOrEqual(2);
    expect(c.featured).toBeGreaterThan(0);
    expect(c.recommended).toBeGreaterThan(0);
  });

  it('gives every doctor a unique code, a department and specialties', async () => {
    const { rows } = await t.database.raw.query<{ code: string; name: string; deps: number; specs: number }>(
      `SELECT d.code, d.name, count(dd.department_id)::int AS deps, cardinality(d.specialties) AS specs
         FROM doctors d LEFT JOIN doctor_departments dd ON dd.doctor_id = d.id GROUP BY d.id`,
    );
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
    expect(rows.every((r) => r.deps >= 1 && r.specs >= 1 && /^[\u4e00-\u9fa5]{2,3}$/.test(r.name))).toBe(
      true,
    );
    const two = rows.find((r) => r.code === DEMO_CODES.doctors.twoDepartments);
    expect(two?.deps).toBe(2);
  });

  it('stores prices as integer fen and the insulin items under their codes', async () => {
    const { rows } = await t.database.raw.query<{ code: string; name: string; price_fen: number }>(
      `SELECT code, name, price_fen FROM price_items WHERE code = $1`,
      [DEMO_CODES.prices.insulin],
    );
    expect(rows[0].name).toBe('重组人胰岛素注射液');
    expect(rows[0].price_fen).toBe(4580);
  });

  it('changes nothing when it runs again', async () => {
    const before = await counts();
    expect(await directorySeed.run(t.app.ctx)).toBe(false);
    expect(await counts()).toEqual(before);
  });
});
