import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { OPENAPI_DOCUMENT } from '../../src/api/v1/openapi';
import { accessToken, startSecured, type SecuredSidecar } from './support';

/**
 * OpenAPI-driven fuzzing of /api/v1: thousands of requests that the document says are invalid (bad path
 * parameters, query values, unknown parameters, headers, bodies, content types, sizes) must each get a
 * 4xx in the one documented ErrorBody shape, never a 5xx, and change nothing in the database.
 */

type Op = { method: string; path: string; params: Array<{ name: string; in: string; schema: Record<string, unknown> }>; hasBody: boolean };

const OPS: Op[] = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, { parameters?: Op['params']; requestBody?: unknown }>).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    params: (op.parameters ?? []) as Op['params'],
    hasBody: !!op.requestBody,
  })),
);

const badId = fc.constantFrom('abc', '0', '-1', '1.5', '1e3', '99999999999', '%27%20OR%201%3D1', '%00', 'NaN', '0x10', '+7', ' 1');
const junk = fc.string({ minLength: 1, maxLength: 12 }).map((s) => encodeURIComponent(s));

function badQueryValue(schema: Record<string, unknown>): fc.Arbitrary<string> {
  if (schema.type === 'integer') {
    const max = Number(schema.maximum ?? 2147483647);
    const min = Number(schema.minimum ?? 0);
    return fc.oneof(fc.constantFrom('x', '1.5', '', 'true', '[]'), fc.integer({ min: max + 1, max: max + 1_000_000 }).map(String), fc.integer({ min: min - 1000, max: min - 1 }).map(String));
  }
  if (Array.isArray(schema.enum)) return fc.constantFrom('nope', 'READY', '', 'ready;drop');
  if (typeof schema.pattern === 'string') return fc.constantFrom('', '%20', 'a'.repeat(200), '..%2F..', '%3Cscript%3E');
  return fc.constant('%00');
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function requestFor(op: Op): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const validPath = (ids: string[]) => op.path.replace(/\{[^}]+\}/g, () => ids.shift() ?? '1');
  const ok = () => validPath(pathParams.map(() => '1'));
  const json = { 'content-type': 'application/json' };
  const goodBody = '{"quantity":3}';

  const variants: Array<fc.Arbitrary<FuzzRequest>> = [
    // A query parameter the document does not declare.
    fc.tuple(fc.stringMatching(/^[a-z_]{1,12}$/).filter((n) => !queryParams.some((p) => p.name === n)), junk).map(([n, v]) => ({
      method: op.method,
      url: `${ok()}?${n}=${v}`,
      headers: op.hasBody ? json : {},
      ...(op.hasBody ? { body: goodBody } : {}),
    })),
  ];
  if (pathParams.length) {
    variants.push(
      fc.tuple(fc.nat(pathParams.length - 1), badId).map(([i, bad]) => ({
        method: op.method,
        url: validPath(pathParams.map((_, j) => (j === i ? bad : '1'))),
        headers: op.hasBody ? json : {},
        ...(op.hasBody ? { body: goodBody } : {}),
      })),
    );
  }
  for (const q of queryParams) {
    variants.push(badQueryValue(q.schema).map((v) => ({ method: op.method, url: `${ok()}?${q.name}=${v}`, headers: {} })));
    variants.push(fc.constant({ method: op.method, url: `${ok()}?${q.name}[a]=1`, headers: {} }));
    if (q.schema.type === 'integer') variants.push(fc.constant({ method: op.method, url: `${ok()}?${q.name}=1&${q.name}=2`, headers: {} }));
  }
  if (op.hasBody) {
    const badBodies = fc.oneof(
      fc.constantFrom('', '{', 'null', '[]', '"x"', '{"quantity":"3"}', '{"quantity":-1}', '{"quantity":1.5}', '{"quantity":null}', '{}', '{"quantity":3,"extra":1}', '{"quantity":1e20}', '{"quantity":[3]}', '{"quantity":{"$gt":0}}'),
      fc.json().filter((j) => !/^\{"quantity":\d+\}$/.test(j)),
      fc.record({ quantity: fc.oneof(fc.string(), fc.double(), fc.boolean()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    );
    variants.push(badBodies.map((body) => ({ method: op.method, url: ok(), headers: json, body })));
    variants.push(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml').map((ct) => ({ method: op.method, url: ok(), headers: { 'content-type': ct }, body: 'quantity=3' })));
    variants.push(fc.constant({ method: op.method, url: ok(), headers: json, body: `{"quantity":3,"pad":"${'x'.repeat(70_000)}"}` }));
    variants.push(fc.constantFrom('short', 'bad key!', 'x'.repeat(101)).map((key) => ({ method: op.method, url: ok(), headers: { ...json, 'idempotency-key': key }, body: goodBody })));
    // Well-formed, but for a product that does not exist: a 404, still nothing written.
    variants.push(fc.integer({ min: 100_000, max: 2_000_000 }).map((id) => ({ method: op.method, url: validPath(pathParams.map((_, j) => (j === 0 ? String(id) : '1'))), headers: json, body: goodBody })));
  }
  return fc.oneof(...variants);
}

describe('security: OpenAPI-driven fuzzing of /api/v1', () => {
  let s: SecuredSidecar;
  let token: string;

  before(async () => {
    s = await startSecured({ env: { MESCHAIN_BODY_LIMIT_BYTES: '65536' } });
    token = (await accessToken(s)).token;
  });
  after(async () => {
    await s?.close();
  });

  async function fingerprint(): Promise<string> {
    const tables = [`${s.db.prefix}product`, `${s.db.prefix}product_option_value`, 'meschain_inventory_ledger', 'meschain_oc_stock_moves', 'meschain_jobs', 'meschain_listings', 'meschain_orders', 'meschain_change_log'];
    const [rows] = (await s.db.knex.raw(`CHECKSUM TABLE ${tables.join(', ')} EXTENDED`)) as unknown as [Array<{ Table: string; Checksum: string }>];
    return JSON.stringify(rows.map((r) => [r.Table, String(r.Checksum)]));
  }

  it('thousands of invalid requests: all 4xx, all ErrorBody, no database change', async () => {
    const ajv = new Ajv2020({ strict: false });
    const errorBody = ajv.compile({ ...OPENAPI_DOCUMENT.components.schemas.ErrorBody, $defs: {} });
    const before = await fingerprint();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const samples = fc.sample(fc.oneof(...OPS.map(requestFor)), { numRuns: 3000, seed: 20261125 });
    let next = 0;
    const worker = async () => {
      while (next < samples.length) {
        const req = samples[next++]!;
        const r = await fetch(`${s.sidecar.url}/api/v1${req.url}`, { method: req.method, headers: { authorization: `Bearer ${token}`, ...req.headers }, ...(req.body !== undefined ? { body: req.body } : {}) });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const text = await r.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        if (r.status < 400 || r.status >= 500) failures.push(`${req.method} ${req.url.slice(0, 80)} → ${r.status}`);
        else if (!errorBody(body)) failures.push(`${req.method} ${req.url.slice(0, 80)} → ${r.status} body not ErrorBody: ${text.slice(0, 120)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.deepEqual(failures.slice(0, 20), []);
    assert.equal(await fingerprint(), before, 'a rejected request changed the database');
    assert.equal([...statuses.values()].reduce((a, b) => a + b, 0), 3000);
    for (const status of [400, 404, 413, 415]) assert.ok(statuses.has(status), `fuzzing should reach ${status}: ${JSON.stringify([...statuses])}`);
  });

  it('the same valid calls still work afterwards (the fuzzing did not break the service)', async () => {
    const r = await fetch(`${s.sidecar.url}/api/v1/stock/40`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    const doc = await fetch(`${s.sidecar.url}/api/v1/openapi.json`);
    assert.equal(((await doc.json()) as { openapi: string }).openapi, '3.1.0');
  });
});
