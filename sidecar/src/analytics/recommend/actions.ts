/**
 * Seller actions ranked by expected value over the next 30 days, in the shop's currency: restock
 * (profit lost to a stock-out), reprice (the profit change the price model expects), relist inactive
 * listings and fix the ones refused or held back by the push (the share of the product's sales that
 * marketplace would bring). One action per product and marketplace however many of its listings
 * (variants) are affected: the value is the product's. Where the unit cost is unknown, profit is taken
 * as `defaultMarginRate` of revenue and the reason says so.
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
  suggestedPrice: number;
  profitChange30: number;
}

export interface ListingStatus {
  listingId: number;
  marketplaceId: number;
  marketplace: string;
  productId: number;
  /** meschain_listings.state: blocked, failed, quarantined and inactive ones lead to an action. */
  state: string;
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
/** Listing states a fix is needed for, worst first: a blocked listing is never sent at all. */
const FIX_ORDER = ['blocked', 'quarantined', 'failed'];
const rankOf = (state: string) => (FIX_ORDER.includes(state) ? FIX_ORDER.indexOf(state) : FIX_ORDER.length);

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
    if ((pr.action !== 'raise' && pr.action !== 'lower') || pr.profitChange30 <= 0) continue;
    const p = input.products.get(pr.productId);
    const name = p?.name ?? `#${pr.productId}`;
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
    if (!FIX_ORDER.includes(l.state) && l.state !== 'inactive') continue;
    const key = `${l.productId}|${l.marketplaceId}|${l.state === 'inactive' ? 'relist' : 'fix'}`;
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
    const error = group.find((g) => g.state === l.state && g.lastError)?.lastError?.slice(0, 200) ?? null;
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
