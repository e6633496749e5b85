import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';

let t: TestApp;
let operator: string;
let finance: string;
beforeAll(async () => {
  t = await createTestApp();
  operator = (await loginStaff(t, 'operator')).token;
  finance = (await loginStaff(t, 'finance')).token;
});
afterAll(async () => t.close());

const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.database.raw.query<{ n: number }>(sql, params)).rows[0].n);

describe('a patient looking up prices', () => {
  it('finds 重组人胰岛素 by either reading of 重: czr and zzr', async () => {
    for (const q of ['czr', 'zzr', 'CZRYDS']) {
      const res = await t.api.get(`/api/v1/prices?q=${q}`);
      expect(res.status).toBe(200);
      const names = res.body.items.map((p: any) => p.name);
      expect(names, q).toContain('重组人胰岛素注射液');
      expect(
        res.body.items.every((p: any) => p.name.includes('重组人')),
        q,
      ).toBe(true);
    }
    const insulin = (await t.api.get('/api/v1/prices?q=czr')).body.items.find(
      (p: any) => p.name === '重组人胰岛素注射液',
    );
    expect(insulin).toMatchObject({
      category: '西药',
      unit: expect.any(String),
      priceFen: expect.any(Number),
    });
    expect(Number.isInteger(insulin.priceFen)).toBe(true);
  });

  it('finds items by a fragment of the name and filters by fee category', async () => {
    const res = await t.api.get(`/api/v1/prices?q=${encodeURIComponent('胰岛素')}&pageSize=100`);
    expect(res.body.total).toBeGreaterThanOrEqual(5);
    expect(res.body.items.every((p: any) => p.name.includes('胰岛素'))).toBe(true);

    const ct = await t.api.get(`/api/v1/prices?q=CT&category=${encodeURIComponent('检查')}&pageSize=100`);
    expect(ct.body.items.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['头颅CT平扫', '胸部CT平扫']),
    );
    expect(ct.body.items.every((p: any) => p.category === '检查')).toBe(true);

    const labs = await t.api.get(`/api/v1/prices?category=${encodeURIComponent('检验')}&pageSize=100`);
    expect(labs.body.items.every((p: any) => p.category === '检验')).toBe(true);
    expect(labs.body.total).toBeGreaterThan(20);

    const none = await t.api.get(
      `/api/v1/prices?q=${encodeURIComponent('胰岛素')}&category=${encodeURIComponent('检验')}`,
    );
    expect(none.body.total).toBe(0);
    // LIKE wildcards in the query are literal text, not patterns
    expect((await t.api.get('/api/v1/prices?q=_')).body.total).toBe(0);
    const percent = await t.api.get('/api/v1/prices?q=%25&pageSize=100');
    expect(percent.body.total).toBeGreaterThan(0);
    expect(percent.body.items.every((p: any) => p.name.includes('%'))).toBe(true);
    expect((await t.api.get(`/api/v1/prices?category=${encodeURIComponent('玩具')}`)).body.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('sees the fee categories in display order with counts', async () => {
    const res = await t.api.get('/api/v1/price-categories');
    const names = res.body.items.map((c: any) => c.name);
    expect(names.slice(0, 2)).toEqual(['西药', '中成药']);
    expect(names).toEqual(expect.arrayContaining(['检查', '检验', '治疗', '手术', '材料', '床位', '护理']));
    const total = res.body.items.reduce((s: number, c: any) => s + c.count, 0);
    expect(total).toBe((await t.api.get('/api/v1/prices')).body.total);
  });
});

describe('the price office maintaining the list', () => {
  it('adds an item whose pinyin initials are computed, edits its price and deletes it, all audited', async () => {
    const res = await t.api.post('/api/v1/admin/price-items', {
      token: operator,
      body: {
        code: 'XY9001',
        name: '重组人胰岛素注射液(笔芯)',
        category: '西药',
        spec: '3ml:300IU',
        unit: '支',
        priceFen: 4620,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.priceFen).toBe(4620);
    const found = (await t.api.get('/api/v1/prices?q=czrydszsy&pageSize=100')).body.items.map(
      (p: any) => p.code,
    );
    expect(found).toContain('XY9001');

    const edited = await t.api.patch(`/api/v1/admin/price-items/${res.body.id}`, {
      token: operator,
      body: { priceFen: 4500 },
    });
    expect(edited.body.priceFen).toBe(4500);
    const { rows } = await t.database.raw.query<{ detail: any }>(
      "SELECT detail FROM audit_log WHERE action = 'prices.item.update' AND object_id = $1",
      [res.body.id],
    );
    expect(rows[0].detail).toMatchObject({ priceFenBefore: 4620, priceFen: 4500 });

    expect((await t.api.delete(`/api/v1/admin/price-items/${res.body.id}`, { token: operator })).status).toBe(
      204,
    );
    expect(await count('SELECT count(*)::int AS n FROM price_items WHERE id = $1', [res.body.id])).toBe(0);
    expect(
      await count(
        "SELECT count(*)::int AS n FROM audit_log WHERE object_id = $1 AND action LIKE 'prices.item.%'",
        [res.body.id],
      ),
    ).toBe(3);
  });

  it('refuses a negative or fractional price, a duplicate code and a blank name, writing nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM price_items');
    const base = { code: 'JC9001', name: '冠脉CTA', category: '检查', unit: '次' };
    const negative = await t.api.post('/api/v1/admin/price-items', {
      token: operator,
      body: { ...base, priceFen: -1 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.code).toBe('PRICE_FEN_INVALID');
    const fraction = await t.api.post('/api/v1/admin/price-items', {
      token: operator,
      body: { ...base, priceFen: 12.5 },
    });
    expect(fraction.body.code).toBe('PRICE_FEN_INVALID');
    const dup = await t.api.post('/api/v1/admin/price-items', {
      token: operator,
      body: { ...base, code: 'XY0001', priceFen: 100 },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('PRICE_ITEM_CODE_TAKEN');
    const blank = await t.api.post('/api/v1/admin/price-items', {
      token: operator,
      body: { ...base, name: ' ', priceFen: 1 },
    });
    expect(blank.body.code).toBe('PRICE_ITEM_NAME_REQUIRED');
    expect(await count('SELECT count(*)::int AS n FROM price_items')).toBe(before);

    const existing = (await t.api.get('/api/v1/admin/price-items?q=XY0002', { token: operator })).body
      .items[0];
    const renumber = await t.api.patch(`/api/v1/admin/price-items/${existing.id}`, {
      token: operator,
      body: { code: 'XY0001' },
    });
    expect(renumber.body.code).toBe('PRICE_ITEM_CODE_TAKEN');
    const negativeEdit = await t.api.patch(`/api/v1/admin/price-items/${existing.id}`, {
      token: operator,
      body: { priceFen: -100 },
    });
    expect(negativeEdit.body.code).toBe('PRICE_FEN_INVALID');
    expect(
      (await t.api.get(`/api/v1/admin/price-items/${existing.id}`, { token: operator })).body,
    ).toMatchObject({
      code: 'XY0002',
      priceFen: existing.priceFen,
    });
  });

  it('keeps a code unique when two editors save the same new code at once', async () => {
    const body = (i: number) => ({
      code: 'JY9100',
      name: `并发检验项目${i}`,
      category: '检验',
      priceFen: 1000 + i,
    });
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => t.api.post('/api/v1/admin/price-items', { token: operator, body: body(i) })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(
      results.filter((r) => r.status === 409).every((r) => r.body.code === 'PRICE_ITEM_CODE_TAKEN'),
    ).toBe(true);
    expect(await count("SELECT count(*)::int AS n FROM price_items WHERE code = 'JY9100'")).toBe(1);
  });

  it('is closed to a role without prices.manage', async () => {
    const res = await t.api.post('/api/v1/admin/price-items', {
      token: finance,
      body: { code: 'X1', name: '测试', category: '西药', priceFen: 1 },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PERMISSION_DENIED');
    expect(await count("SELECT count(*)::int AS n FROM price_items WHERE code = 'X1'")).toBe(0);
  });
});
