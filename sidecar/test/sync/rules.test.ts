import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computePrice, computeQuantity, optionPriceDelta, priceRuleSchema, resolveRules, safetyRuleSchema, snap, stockRuleSchema, toCents, toUnits, rateUnits, PriceRuleError, type PriceInput } from '../../src/sync/rules';
import type { TaxRateTable } from '../../src/db/opencart';

/** The price and stock rules are pure: every case is checked by hand, and the invariants by property. */

const KDV20: TaxRateTable = new Map([[9, [{ taxRateId: 1, name: 'KDV %20', rate: '20.0000', type: 'P', priority: 1, based: 'shipping' as const }]]]);
const base = (over: Partial<PriceInput> = {}): PriceInput => ({
  basePrice: '100.0000',
  specialPrice: null,
  optionDelta: '0',
  taxClassId: 9,
  taxRates: KDV20,
  fromRate: rateUnits('1.00000000'),
  toRate: rateUnits('1.00000000'),
  cost: null,
  minPrice: null,
  maxPrice: null,
  ...over,
});
const rule = (r: object = {}) => priceRuleSchema.parse(r);
const safety = (s: object = {}) => safetyRuleSchema.parse(s);

describe('price rules', () => {
  it('adds tax per OpenCart rates, then markup percent and fixed, in cents', () => {
    assert.equal(computePrice(rule(), safety(), base()).salePrice, '120.00');
    assert.equal(computePrice(rule({ includeTax: false }), safety(), base()).salePrice, '100.00');
    assert.equal(computePrice(rule({ markupPercent: '12.5', markupFixed: '3' }), safety(), base()).salePrice, '138.00');
    assert.equal(computePrice(rule(), safety(), base({ taxClassId: 0 })).salePrice, '100.00', 'no tax class adds nothing');
  });

  it('uses the active special as sale price and the base as list price; option modifiers apply to both', () => {
    const r = computePrice(rule(), safety(), base({ specialPrice: '80.0000', optionDelta: '10.0000' }));
    assert.deepEqual([r.salePrice, r.listPrice], ['108.00', '132.00']);
    const b = computePrice(rule({ source: 'base' }), safety(), base({ specialPrice: '80.0000' }));
    assert.equal(b.salePrice, '120.00', 'source base ignores the special');
    assert.equal(optionPriceDelta([{ price: '5.0000', pricePrefix: '+' }, { price: '2.5000', pricePrefix: '-' }]), '2.5000');
  });

  it('converts with oc_currency values relative to the default currency', () => {
    // Shop in USD (1.0), marketplace in TRY at 32.5: 100 USD + 20 % = 120 USD = 3900 TRY.
    assert.equal(computePrice(rule(), safety(), base({ toRate: rateUnits(32.5) })).salePrice, '3900.00');
    // Both relative to a default whose stored value is not exactly 1 (a shop that edited it).
    assert.equal(computePrice(rule({ includeTax: false }), safety(), base({ fromRate: rateUnits('2.00000000'), toRate: rateUnits('1.00000000') })).salePrice, '50.00');
  });

  it('rounds onto .90/.99 endings and coarser grids in the chosen direction', () => {
    const r90 = rule({ rounding: { step: '1', ending: '0.90' } });
    assert.equal(computePrice(r90, safety(), base({ basePrice: '100.0000' })).salePrice, '120.90');
    assert.equal(computePrice(rule({ rounding: { step: '1', ending: '0.99', direction: 'down' } }), safety(), base()).salePrice, '119.99');
    assert.equal(computePrice(rule({ rounding: { step: '10', ending: '9.90', direction: 'nearest' } }), safety(), base()).salePrice, '119.90');
    assert.equal(snap(toUnits('120.90'), toUnits('1'), toUnits('0.90'), 'up'), toUnits('120.90'), 'already on the grid');
    assert.equal(snap(toUnits('0.10'), toUnits('1'), toUnits('0.90'), 'down'), toUnits('0.90'), 'never below the grid start');
    assert.equal(toCents(toUnits('1.005')), toUnits('1.01'), 'half a cent rounds away from zero');
  });

  it('never goes below the floor (cost + margin, owner minimum) nor above the ceiling, and says so', () => {
    const s = safety({ minMarginPercent: '10' });
    const r = computePrice(rule(), s, base({ cost: '110.0000' }));
    // 110 + 10 % = 121, + 20 % KDV = 145.20.
    assert.equal(r.salePrice, '145.20');
    assert.equal(r.rulePrice, '120.00');
    assert.match(r.note!, /below the floor 145\.20/);
    assert.equal(computePrice(rule(), safety(), base({ minPrice: '130' })).salePrice, '130.00');
    const c = computePrice(rule(), safety(), base({ maxPrice: '99.95' }));
    assert.equal(c.salePrice, '99.95');
    assert.match(c.note!, /above the ceiling/);
    assert.equal(c.listPrice, '99.95', 'list price follows the ceiling and is never below the sale price');
    const both = computePrice(rule(), safety(), base({ minPrice: '150', maxPrice: '140' }));
    assert.equal(both.salePrice, '150.00');
    assert.match(both.note!, /floor wins/);
    const byCost = computePrice(rule(), safety({ maxCostMultiple: '1.5' }), base({ cost: '50.0000' }));
    assert.equal(byCost.salePrice, '90.00', 'ceiling = cost × 1.5 with tax');
    const grid = computePrice(rule({ rounding: { step: '1', ending: '0.90' } }), safety(), base({ minPrice: '130.10' }));
    assert.equal(grid.salePrice, '130.90', 'a raised price is put back on the grid, upwards');
  });

  it('refuses a price that is not above zero', () => {
    assert.throws(() => computePrice(rule(), safety(), base({ basePrice: '5.0000', optionDelta: '-5.0000' })), PriceRuleError);
    // A positive OpenCart price the rule takes to zero or below is refused too, not sent as 0.00.
    assert.throws(() => computePrice(rule({ markupFixed: '-120' }), safety(), base()), /the price rule gives 0\.00, not above zero/);
    assert.throws(() => computePrice(rule({ markupFixed: '-500' }), safety(), base()), PriceRuleError);
    assert.throws(() => computePrice(rule(), safety(), base({ maxPrice: '0' })), PriceRuleError);
    assert.equal(computePrice(rule({ markupFixed: '-500' }), safety(), base({ minPrice: '10' })).salePrice, '10.00', 'a floor above zero still holds');
  });

  it('properties: sale ≤ list, on the grid, never below the floor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 10_000_000 }), fc.integer({ min: 0, max: 5000 }), fc.option(fc.integer({ min: 100, max: 5_000_000 }), { nil: null }), (p, markup, cost) => {
        const price = (p / 10000).toFixed(4);
        const r = computePrice(rule({ markupPercent: String(markup / 100), rounding: { step: '1', ending: '0.99' } }), safety(), base({ basePrice: price, cost: cost === null ? null : (cost / 10000).toFixed(4) }));
        assert.ok(toUnits(r.salePrice) <= toUnits(r.listPrice));
        if (r.floor) assert.ok(toUnits(r.salePrice) >= toUnits(r.floor));
        if (!r.note) assert.ok(r.salePrice.endsWith('.99'), r.salePrice);
      }),
      { numRuns: 300 },
    );
  });

  it('validates rules with messages naming the field', () => {
    const bad = priceRuleSchema.safeParse({ markupPercent: 'abc', rounding: { step: '1', ending: '2' } });
    assert.equal(bad.success, false);
    const text = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    assert.match(text, /markupPercent/);
    assert.match(text, /ending/);
  });
});

describe('stock rules', () => {
  const s = (r: object = {}) => stockRuleSchema.parse(r);
  it('applies reservations, buffer, percentage (rounded down), minimum and maximum', () => {
    assert.deepEqual(computeQuantity(s(), { available: 10, reserved: 0, unsellable: null }), { quantity: 10, reason: 'ok' });
    assert.deepEqual(computeQuantity(s({ buffer: 3 }), { available: 10, reserved: 2, unsellable: null }), { quantity: 5, reason: 'ok' });
    assert.deepEqual(computeQuantity(s({ percent: 90 }), { available: 1, reserved: 0, unsellable: null }), { quantity: 0, reason: 'out_of_stock' });
    assert.deepEqual(computeQuantity(s({ percent: 50 }), { available: 9, reserved: 0, unsellable: null }), { quantity: 4, reason: 'ok' });
    assert.deepEqual(computeQuantity(s({ minQuantity: 5 }), { available: 4, reserved: 0, unsellable: null }), { quantity: 0, reason: 'below_minimum' });
    assert.deepEqual(computeQuantity(s({ maxQuantity: 20 }), { available: 500, reserved: 0, unsellable: null }), { quantity: 20, reason: 'capped' });
    assert.deepEqual(computeQuantity(s(), { available: -4, reserved: 0, unsellable: null }), { quantity: 0, reason: 'out_of_stock' });
  });
  it('shows zero for what the store does not sell', () => {
    for (const why of ['disabled', 'not_in_store', 'deleted', 'not_available_yet', 'variant_gone', 'variant_inactive'] as const) {
      assert.deepEqual(computeQuantity(s(), { available: 50, reserved: 0, unsellable: why }), { quantity: 0, reason: why });
    }
  });
  it('resolves rules: product, then nearest category, then account, then defaults — per part', () => {
    const rules = {
      account: { stock: s({ buffer: 1 }) },
      categories: new Map([
        [20, { stock: s({ buffer: 2 }), price: rule({ markupPercent: '5' }) }],
        [25, { stock: s({ buffer: 3 }) }],
      ]),
      products: new Map([[7, { price: rule({ markupPercent: '9' }) }]]),
    };
    const subject = { productId: 7, categories: [{ categoryId: 28, path: [{ categoryId: 20 }, { categoryId: 25 }, { categoryId: 28 }] }] };
    const r = resolveRules(rules, subject);
    assert.equal(r.price.markupPercent, '9');
    assert.equal(r.stock.buffer, 3, 'the nearer category (25) wins over its parent (20)');
    assert.equal(resolveRules(rules, { productId: 8, categories: [] }).stock.buffer, 1);
    assert.equal(resolveRules(rules, { productId: 8, categories: [] }).safety.quarantineAfter, 5);
  });
});
