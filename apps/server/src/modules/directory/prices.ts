// The public price list (DIR-12): fuzzy search by name or 简码 (pinyin initials, every polyphone
// reading stored), filtered by fee category; maintained in the console (prices.manage).
import type { FastifyRequest } from 'fastify';
import { and, asc, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { priceItems } from './schema.js';
import { PRICE_CATEGORIES, type PriceItemInput } from './schemas.js';
import { mapDbError, requireText } from './errors.js';
import { initialsQuery, pinyinInitials } from './pinyin.js';
import { escapeLike, type Page } from './service.js';

type Req = FastifyRequest;
type PriceRow = typeof priceItems.$inferSelect;

export interface PriceSearch {
  q?: string;
  category?: string;
  page: number;
  pageSize: number;
  includeDisabled?: boolean;
}

export async function searchPrices(
  ctx: AppContext,
  s: PriceSearch,
): Promise<Page<ReturnType<typeof priceView>>> {
  const conds: SQL[] = [];
  if (!s.includeDisabled) conds.push(eq(priceItems.enabled, true));
  if (s.category) conds.push(eq(priceItems.category, s.category));
  const q = s.q?.trim();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    const initials = initialsQuery(q);
    conds.push(
      sql`(${priceItems.name} ILIKE ${like} OR ${priceItems.code} ILIKE ${like}${
        initials ? sql` OR ${priceItems.pinyinInitials} LIKE ${`%${initials}%`}` : sql``
      })`,
    );
  }
  const where = and(...conds);
  const [{ total }] = await ctx.db
    .select({ total: sql<number>`count(*)::int` })
    .from(priceItems)
    .where(where);
  const rows = await ctx.db
    .select()
    .from(priceItems)
    .where(where)
    .orderBy(asc(priceItems.category), asc(priceItems.name), asc(priceItems.code))
    .limit(s.pageSize)
    .offset((s.page - 1) * s.pageSize);
  return { items: rows.map(priceView), total, page: s.page, pageSize: s.pageSize };
}

/** Categories in display order with how many enabled items each holds. */
export async function listPriceCategories(ctx: AppContext) {
  const rows = await ctx.db
    .select({ category: priceItems.category, count: sql<number>`count(*)::int` })
    .from(priceItems)
    .where(eq(priceItems.enabled, true))
    .groupBy(priceItems.category);
  const order = (c: string) => {
    const i = (PRICE_CATEGORIES as readonly string[]).indexOf(c);
    return i < 0 ? 999 : i;
  };
  return rows
    .sort((a, b) => order(a.category) - order(b.category))
    .map((r) => ({ code: r.category, name: r.category, count: r.count }));
}

export async function getPriceItem(ctx: AppContext, id: string) {
  const [row] = await ctx.db.select().from(priceItems).where(eq(priceItems.id, id));
  if (!row) throw notFound('price item', '收费项目');
  return priceView(row);
}

export async function createPriceItem(ctx: AppContext, req: Req, input: PriceItemInput) {
  const values = priceValues(input, true);
  const now = ctx.clock.now();
  const row = await ctx.db
    .transaction(async (tx) => {
      const taken = await tx
        .select({ id: priceItems.id })
        .from(priceItems)
        .where(eq(priceItems.code, values.code!));
      if (taken.length) throw codeTaken();
      const [created] = await tx
        .insert(priceItems)
        .values({ ...(values as Required<typeof values>), id: newId(), createdAt: now, updatedAt: now })
        .returning();
      return created;
    })
    .catch(mapDbError('price_item', '收费项目'));
  await audit(ctx, req, {
    action: 'prices.item.create',
    objectType: 'price_item',
    objectId: row.id,
    detail: { code: row.code, priceFen: row.priceFen },
  });
  return priceView(row);
}

export async function updatePriceItem(ctx: AppContext, req: Req, id: string, input: Partial<PriceItemInput>) {
  const values = priceValues(input, false);
  const { row, before } = await ctx.db
    .transaction(async (tx) => {
      const [current] = await tx.select().from(priceItems).where(eq(priceItems.id, id)).for('update');
      if (!current) throw notFound('price item', '收费项目');
      if (values.code) {
        const taken = await tx
          .select({ id: priceItems.id })
          .from(priceItems)
          .where(and(eq(priceItems.code, values.code), ne(priceItems.id, id)));
        if (taken.length) throw codeTaken();
      }
      const [updated] = await tx
        .update(priceItems)
        .set({ ...values, updatedAt: ctx.clock.now() })
        .where(eq(priceItems.id, id))
        .returning();
      return { row: updated, before: current };
    })
    .catch(mapDbError('price_item', '收费项目'));
  await audit(ctx, req, {
    action: 'prices.item.update',
    objectType: 'price_item',
    objectId: id,
    detail: { fields: Object.keys(input), priceFenBefore: before.priceFen, priceFen: row.priceFen },
  });
  return priceView(row);
}

export async function deletePriceItem(ctx: AppContext, req: Req, id: string) {
  const gone = await ctx.db
    .delete(priceItems)
    .where(eq(priceItems.id, id))
    .returning()
    .catch(mapDbError('price_item', '收费项目'));
  if (gone.length === 0) throw notFound('price item', '收费项目');
  await audit(ctx, req, {
    action: 'prices.item.delete',
    objectType: 'price_item',
    objectId: id,
    detail: { code: gone[0].code },
  });
}

function priceValues(input: Partial<PriceItemInput>, creating: boolean) {
  const v: Partial<typeof priceItems.$inferInsert> = {};
  if (creating || input.code !== undefined)
    v.code = requireText('price_item', 'code', input.code, '项目编码');
  if (creating || input.name !== undefined) {
    v.name = requireText('price_item', 'name', input.name, '项目名称');
    v.pinyinInitials = pinyinInitials(v.name);
  }
  if (creating || input.priceFen !== undefined) {
    const p = input.priceFen as number;
    // money is integer fen; a negative or fractional price is refused with its own code
    if (!Number.isSafeInteger(p) || p < 0)
      throw badRequest(
        'PRICE_FEN_INVALID',
        '价格必须是不小于 0 的整数（单位：分）',
        'Price must be a non-negative integer in fen',
        {
          priceFen: p,
        },
      );
    v.priceFen = p;
  }
  for (const k of ['category', 'spec', 'unit', 'enabled'] as const)
    if (input[k] !== undefined) (v as Record<string, unknown>)[k] = input[k];
  return v;
}

const codeTaken = () =>
  conflict('PRICE_ITEM_CODE_TAKEN', '收费项目编码已存在', 'Price item code is already used');

export function priceView(p: PriceRow) {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    category: p.category,
    spec: p.spec,
    unit: p.unit,
    priceFen: p.priceFen,
    pinyinInitials: p.pinyinInitials.split(' ')[0] ?? '',
    enabled: p.enabled,
    updatedAt: p.updatedAt.toISOString(),
  };
}
