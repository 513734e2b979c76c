import type { BrokenPriceRule } from '../pricing/optimise';

/**
 * Seller actions ranked by expected value over the next 30 days, in the shop's currency: restock
 * (profit lost to a stock-out), reprice (the profit change the price model expects; a price that breaks
 * the owner's own rules whatever that change: the money on the wrong side of the rule), relist inactive
 * listings, fix the ones refused or held back by the push (the share of the product's sales that
 * marketplace would bring) and live ones whose last update was refused (the same share, riding on
 * stale data). One action per product and marketplace however many of its listings (variants) are
 * affected: the value is the product's. Where the unit cost is unknown, profit is taken as
 * `defaultMarginRate` of revenue and the reason says so.
 */

export interface ProductOutlook {
  productId: number;
  name: string;
  price: number;
  unitCost: number | null;
  stock: number;
  /** Expected units over the next 30 days (demand model). */
  units30: number;
  /** Days until stock runs out at the expected rate (null: it does not within the horizon). */
  daysOfCover: number | null;
  reorderQuantity: number;
}

export interface PriceOutlook {
  productId: number;
  action: 'raise' | 'lower' | 'keep' | 'unavailable';
  currentPrice: number;
  suggestedPrice: number;
  /** Expected units over the next 30 days at today's price; null when not known. */
  units30: number | null;
  /** Expected profit change over 30 days at the suggested price; null when not estimated (`unavailable`). */
  profitChange30: number | null;
  /** The owner's rule today's price breaks (PriceSuggestion.forced); the move is an action whatever it does to profit. */
  forced: { rule: BrokenPriceRule; limit: number } | null;
}

export interface ListingStatus {
  listingId: number;
  marketplaceId: number;
  marketplace: string;
  productId: number;
  /** meschain_listings.state: blocked, failed, quarantined and inactive ones lead to an action, and active ones with `lastError`. */
  state: string;
  /** For an active listing: the marketplace's refusal of its last update (cleared by the push's next success). */
  lastError: string | null;
}

export interface SellerAction {
  action: 'restock' | 'reprice' | 'relist' | 'fix_listing';
  productId: number;
  marketplaceId?: number;
  expectedValue: number;
  reason: { en: string; tr: string };
}

export interface ActionInputs {
  products: ReadonlyMap<number, ProductOutlook>;
  prices: readonly PriceOutlook[];
  listings: readonly ListingStatus[];
  /** Marketplace code → its share of the shop's sales (0…1). */
  marketplaceShare: ReadonlyMap<string, number>;
  leadTimeDays: number;
  defaultMarginRate?: number;
}

const money = (x: number) => x.toFixed(2);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${money(x)}`;
/**
 * Listing states a fix is needed for, worst first: a blocked listing is never sent at all; an active
 * one (with an error: its last update was refused) is live, only stale, so it speaks last.
 */
const FIX_ORDER = ['blocked', 'quarantined', 'failed', 'active'];
const rankOf = (state: string) => (FIX_ORDER.includes(state) ? FIX_ORDER.indexOf(state) : FIX_ORDER.length);
const needsFix = (l: ListingStatus) => (l.state === 'active' ? !!l.lastError?.trim() : FIX_ORDER.includes(l.state));
/** The stored message as quoted in a reason: whitespace collapsed, cut at 200 characters. */
const quote = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 199)}…` : t;
};

const RULE_TEXT: Record<BrokenPriceRule, (limit: string) => { en: string; tr: string }> = {
  cost: (x) => ({ en: `below its unit cost ${x}`, tr: `birim maliyetinin (${x}) altında` }),
  margin: (x) => ({ en: `below the margin floor ${x} your rules set`, tr: `kurallarınızdaki asgari marj sınırının (${x}) altında` }),
  min_price: (x) => ({ en: `below your minimum price ${x}`, tr: `belirlediğiniz en düşük fiyatın (${x}) altında` }),
  max_price: (x) => ({ en: `above your maximum price ${x}`, tr: `belirlediğiniz en yüksek fiyatın (${x}) üstünde` }),
};

/**
 * A price outside the owner's rules. Its value is the money on the wrong side of the broken rule at
 * the sales expected at today's price: gap × units over 30 days — below cost, the loss the move
 * avoids; below a floor, the margin the rule asks for; above the maximum, what buyers would pay above
 * it. Not a profit forecast (a move down to the maximum usually costs profit): that change, when the
 * price model has one, is given in the reason.
 */
function forcedMove(pr: PriceOutlook, { rule, limit }: NonNullable<PriceOutlook['forced']>, name: string): SellerAction {
  const gap = Math.abs(pr.currentPrice - limit);
  const units = pr.units30 ?? 0;
  const value = gap * units;
  const broken = RULE_TEXT[rule](money(limit));
  const move = rule === 'max_price' ? { en: 'Lower', tr: 'düşürün' } : { en: 'Raise', tr: 'artırın' };
  const u = units.toFixed(1);
  const stake =
    units <= 0
      ? { en: "No sales are expected at today's price in the next 30 days, but the rule holds all the same.", tr: 'Bugünkü fiyatla önümüzdeki 30 günde satış beklenmiyor, ancak kural yine de geçerli.' }
      : rule === 'cost'
        ? { en: `Each sale loses ${money(gap)}: about ${money(value)} over the ${u} units expected in 30 days.`, tr: `Her satış ${money(gap)} zarar ettiriyor: 30 günde beklenen ${u} adette yaklaşık ${money(value)}.` }
        : rule === 'max_price'
          ? { en: `The ${u} units expected in 30 days would sell ${money(gap)} each above your maximum, about ${money(value)} in all.`, tr: `30 günde beklenen ${u} adet, en yüksek fiyatınızın adet başına ${money(gap)} üstünde satılır; toplam yaklaşık ${money(value)}.` }
          : { en: `The ${u} units expected in 30 days would sell ${money(gap)} each under your floor, about ${money(value)} in all.`, tr: `30 günde beklenen ${u} adet, sınırınızın adet başına ${money(gap)} altında satılır; toplam yaklaşık ${money(value)}.` };
  const effect =
    pr.profitChange30 === null
      ? { en: 'The effect on demand and profit is not estimated.', tr: 'Talebe ve kâra etkisi tahmin edilmedi.' }
      : { en: `Expected profit change at the new price: ${signed(pr.profitChange30)} over 30 days.`, tr: `Yeni fiyatta 30 günde beklenen kâr değişimi: ${signed(pr.profitChange30)}.` };
  return {
    action: 'reprice',
    productId: pr.productId,
    expectedValue: value,
    reason: {
      en: `${name}: today's price ${money(pr.currentPrice)} is ${broken.en}, against your price rules. ${move.en} it to ${money(pr.suggestedPrice)}. ${stake.en} ${effect.en}`,
      tr: `${name}: bugünkü fiyat ${money(pr.currentPrice)}, ${broken.tr}; fiyat kurallarınıza aykırı. Fiyatı ${money(pr.suggestedPrice)} olarak ${move.tr}. ${stake.tr} ${effect.tr}`,
    },
  };
}

export function rankActions(input: ActionInputs): SellerAction[] {
  const fallbackMargin = input.defaultMarginRate ?? 0.3;
  const marginPerUnit = (p: ProductOutlook) => (p.unitCost !== null ? Math.max(0, p.price - p.unitCost) : p.price * fallbackMargin);
  const assumed = (p: ProductOutlook) => (p.unitCost === null ? { en: ` (no cost set: ${fallbackMargin * 100}% margin assumed)`, tr: ` (maliyet girilmemiş: %${fallbackMargin * 100} marj varsayıldı)` } : { en: '', tr: '' });
  const out: SellerAction[] = [];

  for (const p of input.products.values()) {
    if (p.daysOfCover === null || p.daysOfCover > input.leadTimeDays + 7 || p.units30 <= 0) continue;
    const lost = Math.max(0, p.units30 - Math.max(0, p.stock));
    // Sales missed between the stock-out and the end of the month that a reorder placed today, arriving
    // after the lead time, can still serve.
    const saved = Math.min(lost, (p.units30 / 30) * Math.max(0, 30 - Math.max(input.leadTimeDays, p.daysOfCover)));
    const value = saved * marginPerUnit(p);
    if (value <= 0) continue;
    const a = assumed(p);
    out.push({
      action: 'restock',
      productId: p.productId,
      expectedValue: value,
      reason: {
        en: `${p.name}: ${p.stock} in stock covers ${p.daysOfCover.toFixed(0)} days at the expected ${(p.units30 / 30).toFixed(1)}/day; lead time ${input.leadTimeDays} days. Reorder ${p.reorderQuantity} to protect about ${money(value)} of profit${a.en}.`,
        tr: `${p.name}: stoktaki ${p.stock} adet, beklenen günlük ${(p.units30 / 30).toFixed(1)} satışla ${p.daysOfCover.toFixed(0)} gün yeter; tedarik süresi ${input.leadTimeDays} gün. Yaklaşık ${money(value)} kârı korumak için ${p.reorderQuantity} adet sipariş verin${a.tr}.`,
      },
    });
  }

  for (const pr of input.prices) {
    const p = input.products.get(pr.productId);
    const name = p?.name ?? `#${pr.productId}`;
    if (pr.forced) {
      out.push(forcedMove(pr, pr.forced, name));
      continue;
    }
    if ((pr.action !== 'raise' && pr.action !== 'lower') || pr.profitChange30 === null || pr.profitChange30 <= 0) continue;
    out.push({
      action: 'reprice',
      productId: pr.productId,
      expectedValue: pr.profitChange30,
      reason: {
        en: `${name}: ${pr.action === 'raise' ? 'raise' : 'lower'} the price to ${money(pr.suggestedPrice)}; expected profit +${money(pr.profitChange30)} over 30 days.`,
        tr: `${name}: fiyatı ${money(pr.suggestedPrice)} olarak ${pr.action === 'raise' ? 'artırın' : 'düşürün'}; 30 günde beklenen kâr +${money(pr.profitChange30)}.`,
      },
    });
  }

  // Per product and marketplace account, the listings in each state; the worst state speaks for them.
  const byTarget = new Map<string, ListingStatus[]>();
  for (const l of input.listings) {
    if (!needsFix(l) && l.state !== 'inactive') continue;
    // One action per product and account: a fix outranks a relist (inactive ranks after every fix state),
    // so the product's value is never counted twice.
    const key = `${l.productId}|${l.marketplaceId}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), l]);
  }
  for (const group of byTarget.values()) {
    const l = [...group].sort((x, y) => rankOf(x.state) - rankOf(y.state) || x.listingId - y.listingId)[0]!;
    const p = input.products.get(l.productId);
    if (!p || p.units30 <= 0) continue;
    const share = Math.max(0.05, input.marketplaceShare.get(l.marketplace) ?? 0.1);
    const value = p.units30 * share * marginPerUnit(p);
    const a = assumed(p);
    const n = group.filter((g) => g.state === l.state).length;
    const count = n > 1 ? { en: ` (${n} listings)`, tr: ` (${n} ilan)` } : { en: '', tr: '' };
    const stored = group.find((g) => g.state === l.state && g.lastError?.trim())?.lastError;
    const error = stored ? quote(stored) : null;
    const worth = {
      en: `Fixing it is worth about ${money(value)} over 30 days (${(share * 100).toFixed(0)}% of sales come from ${l.marketplace})${a.en}.`,
      tr: `Düzeltmek 30 günde yaklaşık ${money(value)} değerinde (satışların %${(share * 100).toFixed(0)}'i ${l.marketplace} kaynaklı)${a.tr}.`,
    };
    let reason: SellerAction['reason'];
    if (l.state === 'inactive') {
      reason = {
        en: `${p.name} sells in the shop but its ${l.marketplace} listing is inactive${count.en}; relisting is worth about ${money(value)} over 30 days${a.en}.`,
        tr: `${p.name} mağazada satıyor ama ${l.marketplace} ilanı pasif${count.tr}; yeniden yayına almak 30 günde yaklaşık ${money(value)} değerinde${a.tr}.`,
      };
    } else if (l.state === 'blocked') {
      // Never sent, so the marketplace has no error to show: the push's own reason is all the owner gets.
      reason = {
        en: `${p.name} is not being sent to ${l.marketplace}: the listing is held back before sending${count.en} (${error ?? 'no reason recorded'}). ${worth.en}`,
        tr: `${p.name}, ${l.marketplace} pazaryerine gönderilmiyor: ilan gönderim öncesi kontrolde durduruldu${count.tr} (${error ?? 'neden kaydedilmemiş'}). ${worth.tr}`,
      };
    } else if (l.state === 'active') {
      // Live, so nothing is lost outright: the marketplace's share of the product's margin rides on data
      // (stock, price) that no longer matches the shop's until the update goes through.
      reason = {
        en: `${p.name} is live on ${l.marketplace}, but ${l.marketplace} refused its last update${count.en} ("${error}"): buyers there see the stock and price sent before, not the shop's. About ${money(value)} of profit over 30 days rides on that stale listing (${(share * 100).toFixed(0)}% of sales come from ${l.marketplace})${a.en}.`,
        tr: `${p.name}, ${l.marketplace} üzerinde yayında, ancak ${l.marketplace} son güncellemesini reddetti${count.tr} ("${error}"): oradaki alıcılar mağazanınkini değil, daha önce gönderilen stok ve fiyatı görüyor. 30 günde yaklaşık ${money(value)} kâr bu güncel olmayan ilana bağlı (satışların %${(share * 100).toFixed(0)}'i ${l.marketplace} kaynaklı)${a.tr}.`,
      };
    } else {
      const why = error ? ` (${error})` : '';
      reason = {
        en: `${p.name} is not live on ${l.marketplace}: the listing failed${count.en}${why}. ${worth.en}`,
        tr: `${p.name}, ${l.marketplace} üzerinde yayında değil: ilan reddedildi${count.tr}${why}. ${worth.tr}`,
      };
    }
    out.push({ action: l.state === 'inactive' ? 'relist' : 'fix_listing', productId: l.productId, marketplaceId: l.marketplaceId, expectedValue: value, reason });
  }
  return out.sort((a, b) => b.expectedValue - a.expectedValue || a.productId - b.productId);
}
