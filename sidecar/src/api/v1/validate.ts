import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ErrorDetail } from '../../gateway/errors';

/**
 * Request and response validation straight from the OpenAPI 3.1 document (JSON Schema 2020-12, Ajv).
 * Schema references (#/components/schemas/X) are rewritten to one shared schema so every operation's
 * pieces compile on their own.
 */

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Json;
}

export interface Operation {
  operationId: string;
  parameters?: readonly Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, Json>;
}

/** Parameter names whose schema is an integer, per location (strict decimal coercion, see coerceIntegers). */
export type IntegerParams = Record<'path' | 'query' | 'header', Set<string>>;

export interface CompiledOperation {
  operationId: string;
  method: string;
  /** OpenAPI path, e.g. /products/{productId}. */
  path: string;
  validatePath: ValidateFunction;
  validateQuery: ValidateFunction;
  validateHeaders: ValidateFunction;
  validateBody: ValidateFunction | null;
  bodyRequired: boolean;
  headerNames: string[];
  integers: IntegerParams;
  responses: Map<number, ValidateFunction>;
}

/**
 * Plain decimal digits become numbers; anything else ('1e3', '+7', ' 1', '0x10', arrays) stays as sent
 * and fails the schema. Ajv's own coercion would follow JavaScript's Number() and accept all of those.
 */
export function coerceIntegers(values: Record<string, unknown>, names: ReadonlySet<string>): Record<string, unknown> {
  const out = { ...values };
  for (const name of names) {
    const v = out[name];
    if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) out[name] = Number(v);
  }
  return out;
}

const COMPONENTS_ID = 'meschain-components.json';

function rewriteRefs<T>(value: T): T {
  if (Array.isArray(value)) return value.map(rewriteRefs) as T;
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/') ? `${COMPONENTS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}` : rewriteRefs(v);
    }
    return out as T;
  }
  return value;
}

function newAjv(opts: { coerce: boolean; defaults: boolean }, schemas: Json): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, coerceTypes: opts.coerce, useDefaults: opts.defaults, strict: true, strictTypes: false });
  addFormats(ajv);
  ajv.addKeyword('example');
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(schemas) });
  return ajv;
}

function objectOf(params: readonly Parameter[], where: Parameter['in'], closed: boolean): Json {
  const mine = params.filter((p) => p.in === where);
  const name = (p: Parameter) => (where === 'header' ? p.name.toLowerCase() : p.name);
  return {
    type: 'object',
    properties: Object.fromEntries(mine.map((p) => [name(p), rewriteRefs(p.schema)])),
    required: mine.filter((p) => p.required).map(name),
    additionalProperties: !closed,
  };
}

export function compileOperations(doc: { paths: Record<string, Record<string, unknown>>; components: { schemas: Json; responses: Record<string, Json> } }): CompiledOperation[] {
  const params = newAjv({ coerce: false, defaults: true }, doc.components.schemas);
  const bodies = newAjv({ coerce: false, defaults: true }, doc.components.schemas);
  const responses = newAjv({ coerce: false, defaults: false }, doc.components.schemas);
  const resolveResponse = (r: Json): Json => {
    const refName = typeof r.$ref === 'string' ? r.$ref.replace('#/components/responses/', '') : null;
    return refName ? (doc.components.responses[refName] as Json) : r;
  };
  const out: CompiledOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as Operation;
      const ps = op.parameters ?? [];
      const json = op.requestBody?.content['application/json'];
      const compiledResponses = new Map<number, ValidateFunction>();
      for (const [status, r] of Object.entries(op.responses)) {
        const schema = (resolveResponse(r).content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
        if (schema) compiledResponses.set(Number(status), responses.compile(rewriteRefs(schema)));
      }
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        validatePath: params.compile(objectOf(ps, 'path', true)),
        validateQuery: params.compile(objectOf(ps, 'query', true)),
        validateHeaders: params.compile(objectOf(ps, 'header', false)),
        validateBody: json ? bodies.compile(rewriteRefs(json.schema)) : null,
        bodyRequired: !!op.requestBody?.required,
        headerNames: ps.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()),
        integers: {
          path: new Set(ps.filter((p) => p.in === 'path' && p.schema.type === 'integer').map((p) => p.name)),
          query: new Set(ps.filter((p) => p.in === 'query' && p.schema.type === 'integer').map((p) => p.name)),
          header: new Set(ps.filter((p) => p.in === 'header' && p.schema.type === 'integer').map((p) => p.name.toLowerCase())),
        },
        responses: compiledResponses,
      });
    }
  }
  return out;
}

/** Ajv errors as the API's error details (never echoing the offending value). */
export function toDetails(location: ErrorDetail['location'], errors: ErrorObject[] | null | undefined): ErrorDetail[] {
  return (errors ?? []).slice(0, 20).map((e) => {
    const missing = (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty;
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    const path = e.instancePath || (missing ? `/${missing}` : extra ? `/${extra}` : '/');
    const message = extra ? `unknown property ${JSON.stringify(extra).slice(0, 80)}` : (e.message ?? 'invalid');
    return { location, path: location === 'body' ? path : path.replace(/^\//, ''), message };
  });
}

/** `/products/{productId}` → `/products/:productId` */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}
