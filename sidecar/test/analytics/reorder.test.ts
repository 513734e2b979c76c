import assert from 'node:assert/strict';
import { dayIndex } from '../../src/analytics/calendar';
import { DEFAULT_POLICY, stockOutlook } from '../../src/analytics/demand/reorder';

// Every figure below is worked by hand from the default policy: lead time 7 days, review 14 (span 21),
// safety 0.3 × the lead time's expected demand. The first week sells at units7 / 7 a day, later days at
// (units30 − units7) / 23.
const TODAY = dayIndex('2026-04-13');
const outlook = (stock: number, units7: number, units30: number, policy = DEFAULT_POLICY) => stockOutlook({ stock, units7, units30, today: TODAY }, policy);
const close = (actual: number | null, expected: number, what: string) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);

describe('analytics: days of cover and reorder suggestions', () => {
  it('counts days of cover at the 7-day rate in the first week, then at the rest of the 30-day one', () => {
    // 3 a day in the first week (21), 2 a day after it (46 over 23 days).
    close(outlook(12, 21, 67).daysOfCover, 4, 'within the first week: 12 / 3');
    close(outlook(21, 21, 67).daysOfCover, 7, 'exactly the first week');
    const across = outlook(31, 21, 67);
    close(across.daysOfCover, 12, 'across the switch: 7 + (31 − 21) / 2');
    assert.equal(across.stockoutDate, '2026-04-25');
    assert.equal(across.dailyRate, 67 / 30);
    // Nothing expected in the first week, 1 a day after it: 7 + 5 / 1.
    close(outlook(5, 0, 23).daysOfCover, 12, 'quiet first week');
    // Fractional cover: the stock runs out during day 2 (10 / 4 = 2.5).
    assert.equal(outlook(10, 28, 28 + 23 * 4).stockoutDate, '2026-04-15');
  });

  it('reorders when the stock-out falls within lead time + review: rate × (lead + review) + safety − stock', () => {
    // Steady 2 a day: span demand 2 × 21 = 42, safety 0.3 × 2 × 7 = 4.2.
    const s = outlook(10, 14, 60);
    close(s.daysOfCover, 5, 'cover');
    assert.equal(s.stockoutDate, '2026-04-18');
    assert.deepEqual(s.reorder, { needed: true, quantity: Math.ceil(42 + 4.2 - 10), orderBy: '2026-04-13' });
    assert.equal(s.reorder.quantity, 37);
    // Stock-out on day 21, the last day of the span: 42 + 4.2 − 42 → 5, to be ordered by day 21 − 7.
    const edge = outlook(42, 14, 60);
    close(edge.daysOfCover, 21, 'cover at the edge');
    assert.deepEqual(edge.reorder, { needed: true, quantity: 5, orderBy: '2026-04-27' });
  });

  it('sizes the order with the same rates as the days of cover when the first week differs', () => {
    // 3 a day, then 2: cover 12 days; span demand 21 + 14 × 2 = 49, safety 0.3 × 21 = 6.3;
    // 49 + 6.3 − 31 = 24.3 → 25, ordered by day 12 − 7 = 5.
    assert.deepEqual(outlook(31, 21, 67).reorder, { needed: true, quantity: 25, orderBy: '2026-04-18' });
    // A busy first week: 10 a day, then 30 / 23. Cover 7 + 10 / (30/23) = 14.67 days, inside the span;
    // span demand 70 + 14 × 30/23 = 88.26, safety 0.3 × 70 = 21; 88.26 + 21 − 80 = 29.26 → 30.
    // (Sized at the flat 30-day rate, 100/30 × 21 + 7 − 80 < 0: "reorder needed", quantity 0.)
    const busy = outlook(80, 70, 100);
    close(busy.daysOfCover, 7 + 10 / (30 / 23), 'cover');
    assert.deepEqual(busy.reorder, { needed: true, quantity: 30, orderBy: '2026-04-20' });
  });

  it('suggests no reorder when the stock outlasts lead time + review', () => {
    // Steady 2 a day, 50 in stock: 7 + (50 − 14) / 2 = 25 days > 21.
    const s = outlook(50, 14, 60);
    close(s.daysOfCover, 25, 'cover');
    assert.equal(s.stockoutDate, '2026-05-08');
    assert.deepEqual(s.reorder, { needed: false, quantity: 0, orderBy: null });
  });

  it('gives no stock-out date without expected demand', () => {
    const s = outlook(10, 0, 0);
    assert.equal(s.daysOfCover, null);
    assert.equal(s.stockoutDate, null);
    assert.deepEqual(s.reorder, { needed: false, quantity: 0, orderBy: null });
    // The first week's demand fits the stock and nothing is expected after it (the 30-day forecast is
    // not above the 7-day one): the stock does not run out within any horizon.
    assert.equal(outlook(20, 14, 10).stockoutDate, null);
  });

  it('handles zero and negative stock: out today, and units owed to customers are ordered too', () => {
    const empty = outlook(0, 14, 60);
    assert.equal(empty.daysOfCover, 0);
    assert.equal(empty.stockoutDate, '2026-04-13');
    assert.deepEqual(empty.reorder, { needed: true, quantity: 47, orderBy: '2026-04-13' });
    // Four sold but not in stock: 42 + 4.2 + 4 = 50.2 → 51.
    const owed = outlook(-4, 14, 60);
    assert.equal(owed.daysOfCover, 0);
    assert.equal(owed.stockoutDate, '2026-04-13');
    assert.deepEqual(owed.reorder, { needed: true, quantity: 51, orderBy: '2026-04-13' });
    // No demand expected: nothing to order for an empty shelf, but owed units still are.
    assert.deepEqual(outlook(0, 0, 0).reorder, { needed: false, quantity: 0, orderBy: null });
    assert.deepEqual(outlook(-3, 0, 0).reorder, { needed: true, quantity: 3, orderBy: '2026-04-13' });
  });

  it('follows the policy it is given', () => {
    // Lead 3 + review 4, no safety stock; steady 2 a day, 10 in stock: cover 5 ≤ 7, 2 × 7 − 10 = 4,
    // ordered by day 5 − 3 = 2.
    assert.deepEqual(outlook(10, 14, 60, { leadTimeDays: 3, reviewDays: 4, safetyFactor: 0 }).reorder, { needed: true, quantity: 4, orderBy: '2026-04-15' });
    assert.deepEqual(outlook(15, 14, 60, { leadTimeDays: 3, reviewDays: 4, safetyFactor: 0 }).reorder, { needed: false, quantity: 0, orderBy: null });
  });
});
