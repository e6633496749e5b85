// Articles: announcements, visit guides, health education, medical knowledge, encyclopaedia and
// news (DIR-07 … DIR-11, ADM-05 … ADM-07). Patients see published articles of enabled categories
// only; a draft does not exist for them. Bodies are sanitised when written.
import type { FastifyRequest } from 'fastify';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { articleCategories, articles, type ArticleKind, type ArticleStatus } from './schema.js';
import type { ArticleCategoryInput, ArticleInput } from './schemas.js';
import { mapDbError, requireText } from './errors.js';
import { htmlToText, sanitizeHtml } from './html.js';
import { escapeLike, type Page } from './service.js';

type Req = FastifyRequest;
type ArticleRow = typeof articles.$inferSelect;
type CategoryRow = typeof articleCategories.$inferSelect;

export const ARTICLE_KINDS: Record<ArticleKind, { zh: string; en: string }> = {
  announcement: { zh: '通知公告', en: 'Announcements' },
  guide: { zh: '就诊指引', en: 'Visit guides' },
  education: { zh: '健康宣教', en: 'Health education' },
  knowledge: { zh: '医学知识', en: 'Medical knowledge' },
  encyclopedia: { zh: '健康百科', en: 'Health encyclopaedia' },
  news: { zh: '医院新闻', en: 'Hospital news' },
};

export interface ArticleSearch {
  /** a kind (`announcement` …) or a category id */
  category?: string;
  q?: string;
  page: number;
  pageSize: number;
}

// ---------------------------------------------------------------------------------------------
// Public reads

export async function listArticleCategories(ctx: AppContext) {
  const rows = await ctx.db
    .select()
    .from(articleCategories)
    .where(eq(articleCategories.enabled, true))
    .orderBy(asc(articleCategories.sort), asc(articleCategories.name));
  return rows.map(categoryView);
}

export async function listPublishedArticles(ctx: AppContext, s: ArticleSearch): Promise<Page<unknown>> {
  return pageOfArticles(
    ctx,
    [eq(articles.status, 'published'), eq(articleCategories.enabled, true)],
    s,
    sql`${articles.publishedAt} DESC`,
  );
}

export async function getPublishedArticle(ctx: AppContext, id: string) {
  const [row] = await ctx.db
    .select({ a: articles, c: articleCategories })
    .from(articles)
    .innerJoin(articleCategories, eq(articleCategories.id, articles.categoryId))
    .where(and(eq(articles.id, id), eq(articles.status, 'published'), eq(articleCategories.enabled, true)));
  if (!row) throw notFound('article', '文章');
  return articleView(row.a, row.c, true);
}

// ---------------------------------------------------------------------------------------------
// Console: categories (ADM-06)

export async function listArticleCategoriesForAdmin(ctx: AppContext) {
  const rows = await ctx.db
    .select()
    .from(articleCategories)
    .orderBy(asc(articleCategories.sort), asc(articleCategories.name));
  return rows.map(categoryView);
}

export async function createArticleCategory(ctx: AppContext, req: Req, input: ArticleCategoryInput) {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(articleCategories)
    .values({
      id: newId(),
      ...input,
      name: requireText('article_category', 'name', input.name, '分类名称'),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .catch(mapDbError('article_category', '资讯分类'));
  await audit(ctx, req, {
    action: 'content.category.create',
    objectType: 'article_category',
    objectId: row.id,
  });
  return categoryView(row);
}

export async function updateArticleCategory(
  ctx: AppContext,
  req: Req,
  id: string,
  input: Partial<ArticleCategoryInput>,
) {
  const set = { ...input, updatedAt: ctx.clock.now() };
  if (input.name !== undefined) set.name = requireText('article_category', 'name', input.name, '分类名称');
  const [row] = await ctx.db
    .update(articleCategories)
    .set(set)
    .where(eq(articleCategories.id, id))
    .returning()
    .catch(mapDbError('article_category', '资讯分类'));
  if (!row) throw notFound('article category', '资讯分类');
  await audit(ctx, req, {
    action: 'content.category.update',
    objectType: 'article_category',
    objectId: id,
    detail: { fields: Object.keys(input) },
  });
  return categoryView(row);
}

export async function deleteArticleCategory(ctx: AppContext, req: Req, id: string) {
  await ctx.db
    .transaction(async (tx) => {
      const [used] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(articles)
        .where(eq(articles.categoryId, id));
      if (used.n > 0)
        throw conflict(
          'ARTICLE_CATEGORY_IN_USE',
          '该分类下仍有文章，无法删除，可改为停用',
          'Category still has articles; disable it instead',
          { articles: used.n },
        );
      const gone = await tx.delete(articleCategories).where(eq(articleCategories.id, id)).returning();
      if (gone.length === 0) throw notFound('article category', '资讯分类');
    })
    .catch(mapDbError('article_category', '资讯分类'));
  await audit(ctx, req, { action: 'content.category.delete', objectType: 'article_category', objectId: id });
}

// ---------------------------------------------------------------------------------------------
// Console: articles (ADM-07): draft -> published -> draft (unpublish), delete in either state.

export async function listArticlesForAdmin(ctx: AppContext, s: ArticleSearch & { status?: ArticleStatus }) {
  const conds: SQL[] = [];
  if (s.status) conds.push(eq(articles.status, s.status));
  return pageOfArticles(ctx, conds, s, sql`${articles.updatedAt} DESC`);
}

export async function getArticleForAdmin(ctx: AppContext, id: string) {
  const [row] = await ctx.db
    .select({ a: articles, c: articleCategories })
    .from(articles)
    .innerJoin(articleCategories, eq(articleCategories.id, articles.categoryId))
    .where(eq(articles.id, id));
  if (!row) throw notFound('article', '文章');
  return articleView(row.a, row.c, true);
}

export async function createArticle(ctx: AppContext, req: Req, input: ArticleInput) {
  const values = await articleValues(ctx, input, true);
  const now = ctx.clock.now();
  const id = newId();
  await ctx.db.insert(articles).values({
    ...(values as Required<typeof values>),
    id,
    status: 'draft',
    createdBy: req.principal?.id ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await audit(ctx, req, { action: 'content.article.create', objectType: 'article', objectId: id });
  return getArticleForAdmin(ctx, id);
}

export async function updateArticle(ctx: AppContext, req: Req, id: string, input: Partial<ArticleInput>) {
  const values = await articleValues(ctx, input, false);
  const gone = await ctx.db
    .update(articles)
    .set({ ...values, updatedAt: ctx.clock.now() })
    .where(eq(articles.id, id))
    .returning({ id: articles.id });
  if (gone.length === 0) throw notFound('article', '文章');
  await audit(ctx, req, {
    action: 'content.article.update',
    objectType: 'article',
    objectId: id,
    detail: { fields: Object.keys(input) },
  });
  return getArticleForAdmin(ctx, id);
}

/** draft -> published, by compare-and-set so a double click publishes once (the second is 409). */
export async function publishArticle(ctx: AppContext, req: Req, id: string) {
  return transition(ctx, req, id, 'draft', 'published');
}

export async function unpublishArticle(ctx: AppContext, req: Req, id: string) {
  return transition(ctx, req, id, 'published', 'draft');
}

export async function deleteArticle(ctx: AppContext, req: Req, id: string) {
  const gone = await ctx.db.delete(articles).where(eq(articles.id, id)).returning({ id: articles.id });
  if (gone.length === 0) throw notFound('article', '文章');
  await audit(ctx, req, { action: 'content.article.delete', objectType: 'article', objectId: id });
}

async function transition(ctx: AppContext, req: Req, id: string, from: ArticleStatus, to: ArticleStatus) {
  const now = ctx.clock.now();
  const moved = await ctx.db
    .update(articles)
    .set({ status: to, publishedAt: to === 'published' ? now : null, updatedAt: now })
    .where(and(eq(articles.id, id), eq(articles.status, from)))
    .returning({ id: articles.id });
  if (moved.length === 0) {
    const current = await getArticleForAdmin(ctx, id);
    throw conflict(
      to === 'published' ? 'ARTICLE_ALREADY_PUBLISHED' : 'ARTICLE_NOT_PUBLISHED',
      to === 'published' ? '文章已发布' : '文章未发布',
      to === 'published' ? 'Article is already published' : 'Article is not published',
      { status: current.status },
    );
  }
  await audit(ctx, req, {
    action: to === 'published' ? 'content.article.publish' : 'content.article.unpublish',
    objectType: 'article',
    objectId: id,
  });
  return getArticleForAdmin(ctx, id);
}

async function articleValues(ctx: AppContext, input: Partial<ArticleInput>, creating: boolean) {
  const v: Partial<typeof articles.$inferInsert> = {};
  if (creating || input.title !== undefined)
    v.title = requireText('article', 'title', input.title, '文章标题');
  if (creating || input.categoryId !== undefined) {
    const [c] = await ctx.db
      .select()
      .from(articleCategories)
      .where(eq(articleCategories.id, input.categoryId ?? ''));
    if (!c) throw badRequest('ARTICLE_CATEGORY_UNKNOWN', '资讯分类不存在', 'Unknown article category');
    v.categoryId = c.id;
  }
  if (input.body !== undefined) v.body = sanitizeHtml(input.body);
  if (input.summary !== undefined) v.summary = input.summary.trim();
  else if (v.body !== undefined && creating) v.summary = htmlToText(v.body).slice(0, 120);
  for (const k of ['coverUrl', 'source', 'sourceName', 'author'] as const)
    if (input[k] !== undefined) (v as Record<string, unknown>)[k] = input[k];
  return v;
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function pageOfArticles(ctx: AppContext, conds: SQL[], s: ArticleSearch, order: SQL) {
  if (s.category) {
    conds.push(
      s.category in ARTICLE_KINDS
        ? eq(articleCategories.kind, s.category as ArticleKind)
        : eq(articleCategories.id, s.category),
    );
  }
  const q = s.q?.trim();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    conds.push(sql`(${articles.title} ILIKE ${like} OR ${articles.summary} ILIKE ${like})`);
  }
  const where = and(...conds);
  const [{ total }] = await ctx.db
    .select({ total: sql<number>`count(*)::int` })
    .from(articles)
    .innerJoin(articleCategories, eq(articleCategories.id, articles.categoryId))
    .where(where);
  const rows = await ctx.db
    .select({ a: articles, c: articleCategories })
    .from(articles)
    .innerJoin(articleCategories, eq(articleCategories.id, articles.categoryId))
    .where(where)
    .orderBy(order, desc(articles.createdAt), asc(articles.id))
    .limit(s.pageSize)
    .offset((s.page - 1) * s.pageSize);
  return {
    items: rows.map((r) => articleView(r.a, r.c, false)),
    total,
    page: s.page,
    pageSize: s.pageSize,
  };
}

function categoryView(c: CategoryRow) {
  return {
    id: c.id,
    kind: c.kind,
    kindLabel: ARTICLE_KINDS[c.kind],
    name: c.name,
    enabled: c.enabled,
    sort: c.sort,
  };
}

function articleView(a: ArticleRow, c: CategoryRow, withBody: boolean) {
  return {
    id: a.id,
    title: a.title,
    summary: a.summary,
    coverUrl: a.coverUrl,
    category: { id: c.id, kind: c.kind, name: c.name },
    source: a.source,
    sourceName: a.sourceName,
    author: a.author,
    status: a.status,
    publishedAt: a.publishedAt?.toISOString() ?? null,
    updatedAt: a.updatedAt.toISOString(),
    ...(withBody ? { body: a.body } : {}),
  };
}
