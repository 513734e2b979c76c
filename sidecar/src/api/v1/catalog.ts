import {
  decodeOcText,
  getProduct,
  listProducts,
  setOptionValueQuantity,
  setProductQuantity,
  StockInputError,
  StockTargetNotFoundError,
  type OcContext,
  type OcProduct,
} from '../../db/opencart';
import type { AuditLog } from '../../gateway/audit';
import { StockReader } from './stock-reader';
import { ApiError, type OperationHandler, type OperationInput } from './router';

/**
 * Catalog and stock operations of /api/v1, over the OpenCart data layer. Only products linked to this
 * store (product_to_store) exist for the API. Stock writes go through the data layer's ledgered stock
 * functions, carry the caller's Idempotency-Key, and are audited.
 */

function optionValues(p: OcProduct) {
  return p.options.flatMap((o) =>
    o.values.map((v) => ({
      product_option_value_id: v.productOptionValueId,
      option: o.name,
      value: v.name,
      quantity: v.quantity,
      subtract: v.subtract,
      price: v.price,
      price_prefix: v.pricePrefix,
    })),
  );
}

export function productView(p: OcProduct) {
  return {
    id: p.productId,
    name: p.name,
    model: p.model,
    sku: p.sku,
    quantity: p.quantity,
    price: p.price,
    effective_price: p.effectivePrice,
    status: p.status,
    date_modified: p.dateModified,
    options: optionValues(p),
  };
}

async function storeProduct(ctx: OcContext, productId: number): Promise<OcProduct> {
  const p = await getProduct(ctx, productId);
  if (!p || !p.inStore) throw new ApiError(404, 'resource_not_found', `product ${productId}`);
  return p;
}

function stockChangeError(err: unknown): never {
  if (err instanceof StockTargetNotFoundError) throw new ApiError(404, 'resource_not_found');
  if (err instanceof StockInputError) {
    if (err.message.includes('idempotencyKey')) throw new ApiError(409, 'conflict', 'Idempotency-Key was used for a different change');
    throw new ApiError(400, 'validation_failed', err.message);
  }
  throw err;
}

export function catalogHandlers(ctx: OcContext, audit: AuditLog): Record<string, OperationHandler> {
  const stock = new StockReader(ctx);
  const setStock = async (input: OperationInput, optionValueId: number | null) => {
    const productId = input.params.productId as number;
    const quantity = (input.body as { quantity: number }).quantity;
    const product = await storeProduct(ctx, productId);
    if (optionValueId !== null && !optionValues(product).some((v) => v.product_option_value_id === optionValueId)) {
      throw new ApiError(404, 'resource_not_found', `option value ${optionValueId} of product ${productId}`);
    }
    const key = input.headers['idempotency-key'];
    const who = input.principal.clientId ?? input.principal.subject;
    const options = {
      reason: 'api_set',
      refType: input.principal.kind,
      refId: who.slice(0, 64),
      ...(key ? { idempotencyKey: `api:${who}:${key}`.slice(0, 191) } : {}),
    };
    let r;
    try {
      r = optionValueId === null ? await setProductQuantity(ctx, productId, quantity, options) : await setOptionValueQuantity(ctx, optionValueId, quantity, options);
    } catch (err) {
      stockChangeError(err);
    }
    input.res.locals.audited = true;
    audit.write({
      action: 'stock.set',
      outcome: 'success',
      actorType: input.principal.kind,
      actorId: input.principal.subject,
      clientId: input.principal.clientId,
      method: input.req.method,
      path: input.req.baseUrl + input.req.path,
      status: 200,
      ip: String(input.res.locals.clientIp ?? ''),
      requestId: String(input.res.locals.requestId ?? ''),
      detail: { productId, optionValueId, quantity, delta: r.delta, replayed: r.replayed, moveId: r.moveId },
    });
    return {
      body: { product_id: productId, product_option_value_id: optionValueId, quantity: r.quantityAfter, delta: r.delta, replayed: r.replayed },
    };
  };

  return {
    async listProducts({ query }) {
      const limit = query.limit as number;
      const after = query.after === undefined ? 0 : Number(query.after);
      const page = await listProducts(ctx, { afterId: after, limit });
      return {
        body: { items: page.items.filter((p) => p.inStore).map(productView), next_cursor: page.nextAfterId === null ? null : String(page.nextAfterId) },
      };
    },
    async getProduct({ params }) {
      return { body: productView(await storeProduct(ctx, params.productId as number)) };
    },
    async getStock({ params }) {
      const productId = params.productId as number;
      const rows = await stock.read(productId);
      const first = rows[0];
      if (!first) throw new ApiError(404, 'resource_not_found', `product ${productId}`);
      return {
        body: {
          product_id: first.product_id,
          quantity: first.quantity,
          options: rows
            .filter((r) => r.pov_id !== null)
            .map((r) => ({ product_option_value_id: r.pov_id!, option: decodeOcText(r.option ?? ''), value: decodeOcText(r.value ?? ''), quantity: r.pov_quantity! })),
        },
      };
    },
    setStock: (input) => setStock(input, null),
    setOptionStock: (input) => setStock(input, input.params.productOptionValueId as number),
  };
}
