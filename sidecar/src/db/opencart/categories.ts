import type { OcContext } from './context';
import { decodeOcText } from './text';
import { flag, groupBy, inChunks } from './sql';

/**
 * Categories with their full path from oc_category_path (a closure table: one row per ancestor, level 0
 * = the root), so no recursive walking is needed. Names are in the context language, decoded.
 */

export interface OcCategoryPathItem {
  categoryId: number;
  name: string;
}

export interface OcCategory {
  categoryId: number;
  parentId: number;
  name: string;
  status: boolean;
  sortOrder: number;
  /** Root first, the category itself last. */
  path: OcCategoryPathItem[];
  /** Path names joined with ' > ', as the admin's category list shows them. */
  pathName: string;
}

interface CategoryRow {
  category_id: number;
  parent_id: number;
  status: number;
  sort_order: number;
  name: string | null;
}

interface PathRow {
  category_id: number;
  path_id: number;
  level: number;
  name: string | null;
}

export const PATH_SEPARATOR = ' > ';

export async function loadCategories(ctx: OcContext, categoryIds: readonly number[]): Promise<Map<number, OcCategory>> {
  const t = ctx.table.bind(ctx);
  const rows = await inChunks(categoryIds, (chunk) =>
    ctx
      .knex(`${t('category')} as c`)
      .leftJoin(`${t('category_description')} as cd`, (j) => j.on('cd.category_id', 'c.category_id').andOnVal('cd.language_id', ctx.languageId))
      .select('c.category_id', 'c.parent_id', 'c.status', 'c.sort_order', 'cd.name')
      .whereIn('c.category_id', chunk) as Promise<CategoryRow[]>,
  );
  const paths = await inChunks(categoryIds, (chunk) =>
    ctx
      .knex(`${t('category_path')} as cp`)
      .leftJoin(`${t('category_description')} as cd`, (j) => j.on('cd.category_id', 'cp.path_id').andOnVal('cd.language_id', ctx.languageId))
      .select('cp.category_id', 'cp.path_id', 'cp.level', 'cd.name')
      .whereIn('cp.category_id', chunk)
      .orderBy([{ column: 'cp.category_id' }, { column: 'cp.level' }]) as Promise<PathRow[]>,
  );
  const pathsBy = groupBy(paths, (p) => p.category_id);
  const out = new Map<number, OcCategory>();
  for (const r of rows) {
    const path = (pathsBy.get(r.category_id) ?? []).map((p) => ({ categoryId: p.path_id, name: decodeOcText(p.name ?? '') }));
    out.set(r.category_id, {
      categoryId: r.category_id,
      parentId: r.parent_id,
      name: decodeOcText(r.name ?? ''),
      status: flag(r.status),
      sortOrder: r.sort_order,
      path,
      pathName: path.map((p) => p.name).join(PATH_SEPARATOR),
    });
  }
  return out;
}

/** Every category of the store (for mapping screens), ordered by path name. */
export async function listCategories(ctx: OcContext): Promise<OcCategory[]> {
  const ids = (await ctx
    .knex(ctx.table('category_to_store'))
    .where('store_id', ctx.storeId)
    .pluck('category_id')) as number[];
  const map = await loadCategories(ctx, ids);
  return [...map.values()].sort((a, b) => a.pathName.localeCompare(b.pathName) || a.categoryId - b.categoryId);
}

export async function getCategory(ctx: OcContext, categoryId: number): Promise<OcCategory | null> {
  return (await loadCategories(ctx, [categoryId])).get(categoryId) ?? null;
}

/** product id → its category ids. */
export async function loadProductCategoryIds(ctx: OcContext, productIds: readonly number[]): Promise<Map<number, number[]>> {
  const rows = await inChunks(productIds, (chunk) =>
    ctx
      .knex(ctx.table('product_to_category'))
      .select('product_id', 'category_id')
      .whereIn('product_id', chunk)
      .orderBy(['product_id', 'category_id']) as Promise<Array<{ product_id: number; category_id: number }>>,
  );
  const out = new Map<number, number[]>();
  for (const [pid, list] of groupBy(rows, (r) => r.product_id)) out.set(pid, list.map((r) => r.category_id));
  return out;
}
