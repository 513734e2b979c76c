import type { Router } from 'express';
import { ATTRIBUTES, BRANDS, CATEGORY_ATTRIBUTES, CATEGORY_TREE, indexCategories } from './catalog-data';
import { SandboxError } from './errors';
import { apiRoute, intParam, strParam } from './pipeline';
import { batchJson, productJson } from './serialize';
import type { TrendyolSandboxState } from './state';

const CATEGORIES = indexCategories(CATEGORY_TREE);
const ATTRIBUTE_BY_ID = new Map(ATTRIBUTES.map((a) => [a.id, a]));

/** Products, batches, stock/price, categories and brands. */
export function mountProductRoutes(router: Router, state: TrendyolSandboxState): void {
  const r = (route: string, h: Parameters<typeof apiRoute>[2]) => apiRoute(state, route, h);

  router.post('/product/sellers/:sellerId/products', r('/product/sellers/:sellerId/products', ({ req, seller }) => {
    const batch = state.products.submit(seller.sellerId, 'ProductV2OnBoarding', req.body);
    return { body: { batchRequestId: batch.batchRequestId } };
  }));

  router.put('/product/sellers/:sellerId/products', r('/product/sellers/:sellerId/products', ({ req, seller }) => {
    const batch = state.products.submit(seller.sellerId, 'ProductV2Update', req.body);
    return { body: { batchRequestId: batch.batchRequestId } };
  }));

  router.get('/product/sellers/:sellerId/products', r('/product/sellers/:sellerId/products', ({ req, seller }) => {
    const s = state.settings;
    const size = intParam(req, 'size', 50, s.maxProductPageSize);
    if (size === 0) throw new SandboxError(400, 'size.invalid', 'size en az 1 olmalıdır.');
    const token = strParam(req, 'nextPageToken');
    let page = intParam(req, 'page', 0);
    if (token !== undefined) {
      const offset = decodeToken(token);
      page = Math.floor(offset / size);
    } else if (page * size >= s.maxAccessibleRecords) {
      throw new SandboxError(400, 'page.size.limit', `page x size ${s.maxAccessibleRecords} değerini aşamaz; nextPageToken kullanınız.`);
    }
    const approvedRaw = strParam(req, 'approved');
    const { content, totalElements } = state.products.list(seller.sellerId, {
      barcode: strParam(req, 'barcode'),
      stockCode: strParam(req, 'stockCode'),
      productMainId: strParam(req, 'productMainId'),
      approved: approvedRaw === undefined ? undefined : approvedRaw === 'true',
      page,
      size,
    });
    const next = (page + 1) * size;
    return {
      body: {
        totalElements,
        totalPages: Math.ceil(totalElements / size),
        page,
        size,
        nextPageToken: next < totalElements ? encodeToken(next) : null,
        content: content.map((p) => productJson(p, s.clockOffsetMs)),
      },
    };
  }));

  router.get('/product/sellers/:sellerId/products/batch-requests/:batchRequestId', r('/product/sellers/:sellerId/products/batch-requests/:batchRequestId', ({ req, seller }) => ({
    body: batchJson(state.products.batch(seller.sellerId, String(req.params.batchRequestId)), state.settings.clockOffsetMs),
  })));

  router.post('/inventory/sellers/:sellerId/products/price-and-inventory', r('/inventory/sellers/:sellerId/products/price-and-inventory', ({ req, seller }) => {
    const batch = state.products.submit(seller.sellerId, 'ProductInventoryUpdate', req.body);
    return { body: { batchRequestId: batch.batchRequestId } };
  }));

  router.get('/product/product-categories', r('/product/product-categories', () => ({ body: { categories: CATEGORY_TREE } })));

  router.get('/product/product-categories/:categoryId/attributes', r('/product/product-categories/:categoryId/attributes', ({ req }) => {
    const id = Number(req.params.categoryId);
    const entry = CATEGORIES.get(id);
    if (!entry) throw new SandboxError(404, 'category.not.found', `${String(req.params.categoryId)} id’li kategori bulunamadı.`);
    const attrs = CATEGORY_ATTRIBUTES[id] ?? [];
    return {
      body: {
        id,
        name: entry.category.name,
        displayName: entry.category.name,
        categoryAttributes: attrs.map((a) => {
          const def = ATTRIBUTE_BY_ID.get(a.attributeId);
          return {
            categoryId: id,
            attribute: { id: a.attributeId, name: def?.name ?? String(a.attributeId) },
            required: a.required,
            allowCustom: a.allowCustom,
            varianter: a.varianter,
            slicer: a.slicer,
            attributeValues: def?.values.map((v) => ({ id: v.id, name: v.name })) ?? [],
          };
        }),
      },
    };
  }));

  router.get('/product/brands', r('/product/brands', ({ req }) => {
    const page = intParam(req, 'page', 0);
    const size = intParam(req, 'size', 1000, 2000);
    return { body: { brands: BRANDS.slice(page * size, (page + 1) * size) } };
  }));

  router.get('/product/brands/by-name', r('/product/brands/by-name', ({ req }) => {
    const name = strParam(req, 'name');
    if (!name) throw new SandboxError(400, 'name.required', 'name parametresi zorunludur.');
    const needle = name.toLocaleLowerCase('tr');
    return { body: BRANDS.filter((b) => b.name.toLocaleLowerCase('tr').includes(needle)) };
  }));
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw new SandboxError(400, 'next.page.token.invalid', 'nextPageToken geçersiz.');
}
