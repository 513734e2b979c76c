import type { Knex } from 'knex';
import type { OcContext } from '../../db/opencart/context';
import { rawRows } from '../../db/raw';
import { rateUnits } from './decimal';
import {
  DEFAULT_PRICE_RULE,
  DEFAULT_SAFETY_RULE,
  DEFAULT_STOCK_RULE,
  priceRuleSchema,
  RuleInputError,
  ruleRowProblems,
  ruleRowSchema,
  safetyRuleSchema,
  stockRuleSchema,
  type RuleRowInput,
  type RuleSet,
} from './schema';

/**
 * Rules per account from meschain_sync_rules, resolved per product: a product's own row, else the rule
 * of its nearest category (its own categories first, then their parents; lowest id on a tie), else the
 * account row, else the defaults. Each part (price, stock, safety) is resolved on its own.
 */

type Part = 'price' | 'stock' | 'safety';

interface RuleRow {
  scope: string;
  scope_id: number;
  price: unknown;
  stock: unknown;
  safety: unknown;
}

export interface AccountRules {
  account: Partial<RuleSet>;
  categories: Map<number, Partial<RuleSet>>;
  products: Map<number, Partial<RuleSet>>;
}

export class RuleLoadError extends Error {
  override name = 'RuleLoadError';
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function parsePart(part: Part, value: unknown, where: string): RuleSet[Part] | undefined {
  if (value === null || value === undefined) return undefined;
  const schema = part === 'price' ? priceRuleSchema : part === 'stock' ? stockRuleSchema : safetyRuleSchema;
  const parsed = schema.safeParse(json(value));
  if (!parsed.success) throw new RuleLoadError(`${where} ${part} rule is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export async function loadAccountRules(knex: Knex, marketplaceId: number): Promise<AccountRules> {
  const rows = await rawRows<RuleRow>(knex, 'SELECT scope, scope_id, price, stock, safety FROM meschain_sync_rules WHERE marketplace_id = ?', [marketplaceId]);
  const out: AccountRules = { account: {}, categories: new Map(), products: new Map() };
  for (const r of rows) {
    const where = `rule ${r.scope}${r.scope === 'account' ? '' : ` ${r.scope_id}`} of account ${marketplaceId}:`;
    const set: Partial<RuleSet> = {};
    for (const part of ['price', 'stock', 'safety'] as const) {
      const v = parsePart(part, r[part], where);
      if (v) (set as Record<Part, unknown>)[part] = v;
    }
    if (r.scope === 'account') out.account = set;
    else if (r.scope === 'category') out.categories.set(Number(r.scope_id), set);
    else if (r.scope === 'product') out.products.set(Number(r.scope_id), set);
  }
  return out;
}

export interface RuleSubject {
  productId: number;
  /** Each of the product's categories with its path (root first, itself last). */
  categories: ReadonlyArray<{ categoryId: number; path: ReadonlyArray<{ categoryId: number }> }>;
}

/** Category ids nearest first: the product's own categories (distance 0), then parents, …; ties by id. */
function categoriesByDistance(subject: RuleSubject): number[] {
  const distance = new Map<number, number>();
  for (const c of subject.categories) {
    const path = c.path.length ? c.path.map((p) => p.categoryId) : [c.categoryId];
    path.forEach((id, i) => {
      const d = path.length - 1 - i;
      const seen = distance.get(id);
      if (seen === undefined || d < seen) distance.set(id, d);
    });
  }
  return [...distance.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([id]) => id);
}

export function resolveRules(rules: AccountRules, subject: RuleSubject): RuleSet {
  const own = rules.products.get(subject.productId);
  const cats = categoriesByDistance(subject)
    .map((id) => rules.categories.get(id))
    .filter((r): r is Partial<RuleSet> => r !== undefined);
  const pick = <P extends Part>(part: P, fallback: RuleSet[P]): RuleSet[P] =>
    (own?.[part] ?? cats.find((c) => c[part])?.[part] ?? rules.account[part] ?? fallback) as RuleSet[P];
  return { price: pick('price', DEFAULT_PRICE_RULE), stock: pick('stock', DEFAULT_STOCK_RULE), safety: pick('safety', DEFAULT_SAFETY_RULE) };
}

/** Writes (or replaces) one rule row after validating it. */
export async function saveRuleRow(knex: Knex, marketplaceId: number, input: RuleRowInput): Promise<void> {
  const row = ruleRowSchema.parse(input);
  const problems = ruleRowProblems(row);
  if (problems.issues.length) throw new RuleInputError(problems.issues, problems.issuesTr);
  const scopeId = row.scope === 'account' ? 0 : row.scopeId;
  const enc = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  await knex.raw(
    `INSERT INTO meschain_sync_rules (marketplace_id, scope, scope_id, price, stock, safety) VALUES (?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE price = VALUES(price), stock = VALUES(stock), safety = VALUES(safety), updated_at = UTC_TIMESTAMP(3)`,
    [marketplaceId, row.scope, scopeId, enc(row.price), enc(row.stock), enc(row.safety)],
  );
}

export async function deleteRuleRow(knex: Knex, marketplaceId: number, scope: string, scopeId: number): Promise<boolean> {
  const n = await knex('meschain_sync_rules').where({ marketplace_id: marketplaceId, scope, scope_id: scope === 'account' ? 0 : scopeId }).delete();
  return n > 0;
}

export interface RuleRowView {
  scope: string;
  scopeId: number;
  price: unknown;
  stock: unknown;
  safety: unknown;
}

export async function listRuleRows(knex: Knex, marketplaceId: number): Promise<RuleRowView[]> {
  const rows = await rawRows<RuleRow>(knex, 'SELECT scope, scope_id, price, stock, safety FROM meschain_sync_rules WHERE marketplace_id = ? ORDER BY scope, scope_id', [
    marketplaceId,
  ]);
  return rows.map((r) => ({ scope: r.scope, scopeId: Number(r.scope_id), price: json(r.price), stock: json(r.stock), safety: json(r.safety) }));
}

export interface CurrencyRates {
  defaultCode: string;
  /** code → oc_currency.value in 1e-8 units. */
  rates: Map<string, bigint>;
}

/** OpenCart's currency table: every rate is relative to the default currency (whose value is 1). */
export async function loadCurrencyRates(ctx: Pick<OcContext, 'knex' | 'table' | 'defaultCurrency'>): Promise<CurrencyRates> {
  const rows = await rawRows<{ code: string; value: number | string }>(ctx.knex, `SELECT code, value FROM \`${ctx.table('currency')}\``);
  return { defaultCode: ctx.defaultCurrency, rates: new Map(rows.map((r) => [r.code.toUpperCase(), rateUnits(r.value)])) };
}

export class CurrencyMissingError extends Error {
  override name = 'CurrencyMissingError';
}

/** The pair of rates computePrice needs to go from the shop's default currency to `code`. */
export function ratePair(rates: CurrencyRates, code: string): { fromRate: bigint; toRate: bigint } {
  const fromRate = rates.rates.get(rates.defaultCode.toUpperCase());
  const toRate = rates.rates.get(code.toUpperCase());
  if (!fromRate) throw new CurrencyMissingError(`the default currency ${rates.defaultCode} is not in OpenCart's currency table`);
  if (!toRate) {
    throw new CurrencyMissingError(
      `currency ${code} is not in OpenCart's currency table (System › Localisation › Currencies); add it with its rate / ${code} para birimi OpenCart'ta tanımlı değil`,
    );
  }
  return { fromRate, toRate };
}
