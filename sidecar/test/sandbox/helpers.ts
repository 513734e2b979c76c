import type { TrendyolSandbox } from '../../src/sandbox/trendyol';

export interface CallOptions {
  body?: unknown;
  userAgent?: string | null;
  auth?: { key: string; secret: string } | null;
  query?: Record<string, string | number>;
  signal?: AbortSignal;
}

/** A raw call to the sandbox API (what any HTTP client would send). */
export async function call(sb: TrendyolSandbox, method: string, path: string, opts: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const seller = sb.sellers[0]!;
  const headers: Record<string, string> = {};
  if (opts.userAgent !== null) headers['user-agent'] = opts.userAgent ?? `${seller.sellerId} - SelfIntegration`;
  const auth = opts.auth === undefined ? { key: seller.apiKey, secret: seller.apiSecret } : opts.auth;
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.key}:${auth.secret}`).toString('base64')}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const qs = opts.query ? `?${new URLSearchParams(Object.entries(opts.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
  const res = await fetch(`${sb.baseUrl}${path.replace(':sellerId', seller.sellerId)}${qs}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // leave as text (HTML gateway pages)
  }
  return { status: res.status, body, headers: res.headers };
}

/** Control API over HTTP. */
export async function control(sb: TrendyolSandbox, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sb.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as unknown;
  if (res.status >= 400) throw new Error(`control ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

export const PRODUCT = (barcode: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  barcode,
  title: `Tişört ${barcode}`,
  productMainId: 'MAIN-1',
  brandId: 100,
  categoryId: 1012,
  quantity: 10,
  stockCode: `SC-${barcode}`,
  dimensionalWeight: 1,
  description: 'Pamuklu',
  currencyType: 'TRY',
  listPrice: 250,
  salePrice: 200,
  vatRate: 20,
  cargoCompanyId: 17,
  images: [{ url: 'https://cdn.example.com/a.jpg' }],
  attributes: [
    { attributeId: 47, attributeValueId: 1001 },
    { attributeId: 338, attributeValueId: 1018 },
    { attributeId: 14, customAttributeValue: 'Pamuk' },
  ],
  ...extra,
});

export async function waitBatch(sb: TrendyolSandbox, id: string): Promise<any> {
  for (let i = 0; i < 500; i += 1) {
    const r = await call(sb, 'GET', `/product/sellers/:sellerId/products/batch-requests/${id}`);
    const items = r.body.items as unknown[];
    if (r.body.status === 'COMPLETED' || (r.body.status === undefined && items.length >= r.body.itemCount)) return r.body;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`batch ${id} never completed`);
}
