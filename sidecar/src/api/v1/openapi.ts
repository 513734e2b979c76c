/**
 * The public API's OpenAPI 3.1 document: the single source of the routes, their parameters, bodies and
 * responses. The router is built from it (router.ts) and every request and response is validated
 * against it (validate.ts); it is served at /api/v1/openapi.json.
 */

import { LISTING_STATES } from '../../sync/listing/states';

type Schema = Record<string, unknown>;

const int = (min = 0, max = 2147483647): Schema => ({ type: 'integer', minimum: min, maximum: max });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const decimal: Schema = { type: 'string', pattern: '^-?\\d{1,11}\\.\\d{4}$', description: 'DECIMAL(15,4) as text, default currency' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const page = (item: string): Schema => obj({ items: { type: 'array', items: ref(item) }, next_cursor: { type: ['string', 'null'] } });

const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/Error${c}` }]));

const limitParam = { name: 'limit', in: 'query', required: false, schema: { ...int(1, 100), default: 50 }, description: 'Page size' };
const afterParam = { name: 'after', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{1,10}$' }, description: 'next_cursor of the previous page' };
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: int(1) });


const ok = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

const read = (operationId: string, summary: string, scope: string, response: Schema, parameters: unknown[] = [], extraErrors: number[] = []) => ({
  get: {
    operationId,
    summary,
    security: [{ oauth2: [scope] }, { bridge: [] }],
    parameters,
    responses: { '200': ok(response), ...errorResponses(400, 401, 403, 429, ...extraErrors) },
  },
});

const STATUS_ERRORS: Record<number, string> = {
  400: 'Invalid request (validation_failed, invalid_json)',
  401: 'Missing, invalid, expired or revoked token',
  403: 'Forbidden: permission, scope, store or IP allow-list',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict (idempotency key reused for another change)',
  413: 'Body too large',
  415: 'Body must be application/json',
  429: 'Rate limited (see Retry-After and RateLimit-* headers)',
  500: 'Internal error',
  503: 'Service unavailable',
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'MesChain-Sync public API',
    version: '1.0.0',
    description:
      'Read the catalog, listings, orders, stock, sync jobs and analytics of one OpenCart store, and set stock. ' +
      'OAuth 2.0 access tokens (authorization code with PKCE, or client credentials) or the OpenCart admin bridge token. ' +
      'Every error has the ErrorBody shape; unknown query parameters and body properties are rejected.',
  },
  servers: [{ url: '/api/v1' }],
  components: {
    securitySchemes: {
      oauth2: {
        type: 'oauth2',
        flows: {
          authorizationCode: { authorizationUrl: '/oauth/auth', tokenUrl: '/oauth/token', refreshUrl: '/oauth/token', scopes: {} },
          clientCredentials: { tokenUrl: '/oauth/token', scopes: {} },
        },
      },
      bridge: { type: 'http', scheme: 'Bridge', description: 'HS256 JWT signed by the OpenCart admin extension' },
    },
    schemas: {
      ErrorBody: obj({
        error: obj(
          {
            code: str({ pattern: '^[a-z_]+$' }),
            message: str(),
            message_tr: str(),
            details: {
              type: 'array',
              items: obj({ location: str({ enum: ['path', 'query', 'header', 'body'] }), path: str(), message: str() }),
            },
            request_id: str(),
          },
          ['code', 'message', 'message_tr'],
        ),
      }),
      OptionValue: obj({
        product_option_value_id: int(1),
        option: str(),
        value: str(),
        quantity: int(-2147483648),
        subtract: { type: 'boolean' },
        price: decimal,
        price_prefix: str(),
      }),
      Product: obj({
        id: int(1),
        name: str(),
        model: str(),
        sku: str(),
        quantity: int(-2147483648),
        price: decimal,
        effective_price: decimal,
        status: { type: 'boolean' },
        date_modified: str(),
        options: { type: 'array', items: ref('OptionValue') },
      }),
      Listing: obj({
        id: int(1),
        marketplace_id: int(1),
        marketplace_code: str(),
        product_id: int(0),
        variant_key: str(),
        sku: { type: ['string', 'null'] },
        remote_id: { type: ['string', 'null'] },
        state: str(),
        last_pushed_quantity: { type: ['integer', 'null'] },
        last_pushed_price: { oneOf: [decimal, { type: 'null' }] },
        last_pushed_at: { type: ['string', 'null'] },
        last_error: { type: ['string', 'null'] },
        updated_at: str(),
      }),
      Order: obj({
        id: int(1),
        marketplace_id: int(1),
        marketplace_code: str(),
        remote_order_id: str(),
        remote_package_id: str(),
        state: str(),
        oc_order_id: { type: ['integer', 'null'] },
        remote_status: { type: ['string', 'null'] },
        hold_reason: { type: ['string', 'null'] },
        created_at: str(),
        updated_at: str(),
      }),
      Stock: obj({
        product_id: int(1),
        quantity: int(-2147483648),
        options: { type: 'array', items: obj({ product_option_value_id: int(1), option: str(), value: str(), quantity: int(-2147483648) }) },
      }),
      StockChange: obj({
        product_id: int(1),
        product_option_value_id: { type: ['integer', 'null'] },
        quantity: { type: ['integer', 'null'] },
        delta: int(-2147483648),
        replayed: { type: 'boolean' },
      }),
      SetStock: obj({ quantity: int(0, 1_000_000_000) }),
      Job: obj({
        id: int(1),
        queue: str(),
        type: str(),
        state: str({ enum: ['ready', 'running', 'done', 'dead'] }),
        attempts: int(0),
        max_attempts: int(0),
        run_at: str(),
        last_error: { type: ['string', 'null'] },
        created_at: str(),
        finished_at: { type: ['string', 'null'] },
      }),
      AnalyticsResult: obj({ data: { type: ['object', 'array'] } }),
    },
    responses: Object.fromEntries(
      Object.entries(STATUS_ERRORS).map(([code, description]) => [`Error${code}`, { description, content: { 'application/json': { schema: ref('ErrorBody') } } }]),
    ),
  },
  paths: {
    '/products': read('listProducts', 'Products linked to this store, by id', 'products:read', page('Product'), [limitParam, afterParam]),
    '/products/{productId}': read('getProduct', 'One product', 'products:read', ref('Product'), [idParam('productId')], [404]),
    '/listings': read('listListings', "This store's marketplace listings", 'listings:read', page('Listing'), [
      limitParam,
      afterParam,
      { name: 'marketplace_id', in: 'query', required: false, schema: int(1) },
      { name: 'state', in: 'query', required: false, schema: str({ enum: [...LISTING_STATES] }) },
    ]),
    '/listings/{listingId}': read('getListing', 'One listing', 'listings:read', ref('Listing'), [idParam('listingId')], [404]),
    '/orders': read('listOrders', 'Marketplace orders of this store', 'orders:read', page('Order'), [
      limitParam,
      afterParam,
      { name: 'marketplace_id', in: 'query', required: false, schema: int(1) },
      { name: 'state', in: 'query', required: false, schema: str({ pattern: '^[a-z_]{1,16}$' }) },
    ]),
    '/orders/{orderId}': read('getOrder', 'One marketplace order', 'orders:read', ref('Order'), [idParam('orderId')], [404]),
    '/stock/{productId}': {
      ...read('getStock', 'Stock of a product and its option values', 'stock:read', ref('Stock'), [idParam('productId')], [404]),
      put: {
        operationId: 'setStock',
        summary: 'Set the quantity of a product (through the stock ledger)',
        security: [{ oauth2: ['stock:write'] }, { bridge: [] }],
        parameters: [idParam('productId'), { name: 'Idempotency-Key', in: 'header', required: false, schema: str({ pattern: '^[A-Za-z0-9_-]{8,100}$' }) }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('SetStock') } } },
        responses: { '200': ok(ref('StockChange')), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    '/stock/{productId}/options/{productOptionValueId}': {
      put: {
        operationId: 'setOptionStock',
        summary: 'Set the quantity of one option value of a product',
        security: [{ oauth2: ['stock:write'] }, { bridge: [] }],
        parameters: [
          idParam('productId'),
          idParam('productOptionValueId'),
          { name: 'Idempotency-Key', in: 'header', required: false, schema: str({ pattern: '^[A-Za-z0-9_-]{8,100}$' }) },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: ref('SetStock') } } },
        responses: { '200': ok(ref('StockChange')), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    '/sync/jobs': read('listJobs', 'Sync jobs of this store', 'sync:read', page('Job'), [
      limitParam,
      afterParam,
      { name: 'state', in: 'query', required: false, schema: str({ enum: ['ready', 'running', 'done', 'dead'] }) },
      { name: 'queue', in: 'query', required: false, schema: str({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }) },
    ]),
    '/sync/jobs/{jobId}': read('getJob', 'One sync job', 'sync:read', ref('Job'), [idParam('jobId')], [404]),
    '/analytics/summary': read('analyticsSummary', 'Sales, forecast and anomaly summary', 'analytics:read', ref('AnalyticsResult'), [], [503]),
    '/analytics/forecast/{productId}': read(
      'analyticsForecast',
      'Demand forecast for a product',
      'analytics:read',
      ref('AnalyticsResult'),
      [idParam('productId'), { name: 'horizon_days', in: 'query', required: false, schema: { ...int(1, 90), default: 14 } }],
      [404, 503],
    ),
  },
} as const;

export type OpenApiDocument = typeof OPENAPI_DOCUMENT;
