import { keywords } from './text';

/**
 * Listing quality per marketplace: what a marketplace rejects or buries — missing required attributes,
 * a title too short, too long or missing the words buyers search for (judged against the titles of the
 * marketplace's best sellers in that category, when the marketplace exposes them), too few images,
 * a thin description, a listing the marketplace refused or the listing push holds back. Pure: the input
 * is plain data, so marketplace adapters can feed it directly.
 */

export interface ListingQualityInput {
  marketplace: string;
  productId: number;
  listingId?: number;
  title: string;
  description: string;
  imageCount: number;
  /** Attribute values this listing would send (null = no value found). */
  attributes?: Array<{ id: string; name?: string; value: string | null }>;
  /** Attributes required in the listing's category: the marketplace's own list where known, plus mappings marked required. */
  requiredAttributes?: Array<{ id: string; name?: string }>;
  /** Where `requiredAttributes` came from: the marketplace's list (cached by the listing push, fetched then) or only the owner's mappings. */
  requiredAttributesSource?: { from: 'marketplace'; fetchedAt: string } | { from: 'mappings' };
  /** Titles of the marketplace's top sellers in the same category, when available. */
  topSellerTitles?: string[];
  /** State and error of the listing the issues are about (for a product listed as variants: the worst one). */
  state?: string;
  lastError?: string | null;
  /** Listings (variants) of the product on this account, and how many of them are in `state`. */
  listingCount?: number;
  stateCount?: number;
}

export interface MarketplaceListingRules {
  titleMin: number;
  titleMax: number;
  minImages: number;
  recommendedImages: number;
  minDescription: number;
}

/** Defaults from the marketplaces' seller guidance; callers may override per marketplace. */
export const LISTING_RULES: Record<string, MarketplaceListingRules> = {
  trendyol: { titleMin: 20, titleMax: 100, minImages: 1, recommendedImages: 4, minDescription: 50 },
  hepsiburada: { titleMin: 20, titleMax: 200, minImages: 1, recommendedImages: 4, minDescription: 50 },
  n11: { titleMin: 20, titleMax: 100, minImages: 1, recommendedImages: 4, minDescription: 50 },
  ebay: { titleMin: 20, titleMax: 80, minImages: 1, recommendedImages: 6, minDescription: 50 },
  amazon: { titleMin: 30, titleMax: 200, minImages: 1, recommendedImages: 6, minDescription: 100 },
  ozon: { titleMin: 20, titleMax: 200, minImages: 1, recommendedImages: 4, minDescription: 50 },
};
const FALLBACK_RULES: MarketplaceListingRules = { titleMin: 20, titleMax: 100, minImages: 1, recommendedImages: 4, minDescription: 50 };

export interface ListingIssue {
  code:
    | 'missing_required_attribute'
    | 'title_too_short'
    | 'title_too_long'
    | 'low_keyword_coverage'
    | 'no_images'
    | 'few_images'
    | 'short_description'
    | 'listing_failed'
    | 'listing_blocked'
    | 'update_rejected';
  severity: 'low' | 'medium' | 'high';
  en: string;
  tr: string;
  /** Points taken off the score of 100. */
  penalty: number;
}

export interface ListingQuality {
  marketplace: string;
  productId: number;
  listingId?: number;
  score: number;
  issues: ListingIssue[];
  title: { length: number; min: number; max: number };
  images: { count: number; recommended: number };
  missingAttributes: Array<{ id: string; name?: string }>;
  requiredAttributesSource?: ListingQualityInput['requiredAttributesSource'];
  keywordCoverage: { ratio: number; covered: string[]; missing: string[] } | null;
}

/** Keywords that at least two of the top sellers use (or the most frequent ones when there are few titles). */
export function topSellerKeywords(titles: readonly string[], max = 10): string[] {
  const counts = new Map<string, number>();
  for (const t of titles) for (const w of new Set(keywords(t))) counts.set(w, (counts.get(w) ?? 0) + 1);
  const minCount = titles.length >= 3 ? 2 : 1;
  return [...counts.entries()]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([w]) => w);
}

export function assessListing(input: ListingQualityInput, rules: MarketplaceListingRules = LISTING_RULES[input.marketplace] ?? FALLBACK_RULES): ListingQuality {
  const issues: ListingIssue[] = [];
  const title = input.title.trim();
  const present = new Set((input.attributes ?? []).filter((a) => a.value !== null && a.value.trim() !== '').map((a) => a.id));
  const missingAttributes = (input.requiredAttributes ?? []).filter((a) => !present.has(a.id));
  for (const a of missingAttributes) {
    const label = a.name ?? a.id;
    issues.push({ code: 'missing_required_attribute', severity: 'high', penalty: 20, en: `Required attribute "${label}" has no value: the marketplace will reject the listing.`, tr: `Zorunlu özellik "${label}" için değer yok: pazaryeri ilanı reddeder.` });
  }
  if (title.length < rules.titleMin) {
    issues.push({ code: 'title_too_short', severity: 'medium', penalty: 10, en: `Title has ${title.length} characters; at least ${rules.titleMin} help buyers find it.`, tr: `Başlık ${title.length} karakter; bulunabilmesi için en az ${rules.titleMin} karakter önerilir.` });
  } else if (title.length > rules.titleMax) {
    issues.push({ code: 'title_too_long', severity: 'high', penalty: 15, en: `Title has ${title.length} characters; ${input.marketplace} allows ${rules.titleMax}.`, tr: `Başlık ${title.length} karakter; ${input.marketplace} en fazla ${rules.titleMax} karaktere izin verir.` });
  }
  let keywordCoverage: ListingQuality['keywordCoverage'] = null;
  if (input.topSellerTitles && input.topSellerTitles.length > 0) {
    const wanted = topSellerKeywords(input.topSellerTitles);
    const mine = new Set(keywords(`${title} ${input.description.slice(0, 500)}`));
    const covered = wanted.filter((w) => mine.has(w));
    const missing = wanted.filter((w) => !mine.has(w));
    keywordCoverage = { ratio: wanted.length ? covered.length / wanted.length : 1, covered, missing };
    if (wanted.length && keywordCoverage.ratio < 0.5) {
      issues.push({
        code: 'low_keyword_coverage',
        severity: 'medium',
        penalty: Math.round(20 * (0.5 - keywordCoverage.ratio) * 2),
        en: `The title uses ${covered.length} of ${wanted.length} words the category's best sellers use; missing: ${missing.slice(0, 5).join(', ')}.`,
        tr: `Başlık, kategorinin çok satanlarının kullandığı ${wanted.length} kelimeden ${covered.length} tanesini içeriyor; eksik: ${missing.slice(0, 5).join(', ')}.`,
      });
    }
  }
  if (input.imageCount < rules.minImages) {
    issues.push({ code: 'no_images', severity: 'high', penalty: 25, en: 'The product has no image; marketplaces reject listings without one.', tr: 'Ürünün görseli yok; pazaryerleri görselsiz ilanı reddeder.' });
  } else if (input.imageCount < rules.recommendedImages) {
    issues.push({ code: 'few_images', severity: 'low', penalty: 5 * (rules.recommendedImages - input.imageCount), en: `${input.imageCount} image(s); listings with ${rules.recommendedImages} or more convert better.`, tr: `${input.imageCount} görsel var; ${rules.recommendedImages} ve üzeri görselli ilanlar daha çok satar.` });
  }
  const descriptionText = input.description.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  if (descriptionText.length < rules.minDescription) {
    issues.push({ code: 'short_description', severity: 'low', penalty: 5, en: `Description has ${descriptionText.length} characters of text; add details buyers ask about.`, tr: `Açıklama ${descriptionText.length} karakter; müşterilerin sorduğu detayları ekleyin.` });
  }
  const of = input.listingCount !== undefined && input.listingCount > 1 ? { en: ` (${input.stateCount ?? 1} of ${input.listingCount} listings)`, tr: ` (${input.listingCount} ilandan ${input.stateCount ?? 1} tanesi)` } : { en: '', tr: '' };
  if (input.state === 'failed' || input.state === 'quarantined') {
    const why = input.lastError ? `: ${input.lastError.slice(0, 200)}` : '';
    issues.push({ code: 'listing_failed', severity: 'high', penalty: 20, en: `The marketplace refused this listing${of.en}${why}`, tr: `Pazaryeri bu ilanı reddetti${of.tr}${why}` });
  } else if (input.state === 'blocked') {
    // The push's own check stopped it: nothing is sent until this is fixed, so the marketplace never says a word.
    const why = input.lastError ? input.lastError.slice(0, 300) : null;
    issues.push({
      code: 'listing_blocked',
      severity: 'high',
      penalty: 20,
      en: `The listing is held back and not sent to ${input.marketplace}${of.en}: ${why ?? 'no reason was recorded'}.`,
      tr: `İlan ${input.marketplace} pazaryerine gönderilmiyor, gönderim öncesi kontrolde durduruldu${of.tr}: ${why ?? 'neden kaydedilmemiş'}.`,
    });
  } else if (input.state === 'active' && input.lastError) {
    // Live, but showing what was sent before: the kind of failure owners otherwise learn of from a buyer.
    const why = input.lastError.slice(0, 300);
    issues.push({
      code: 'update_rejected',
      severity: 'medium',
      penalty: 10,
      en: `The listing is live, but ${input.marketplace} refused its last update${of.en}: ${why}. Buyers see what was sent before until it is fixed.`,
      tr: `İlan yayında, ancak ${input.marketplace} son güncellemesini reddetti${of.tr}: ${why}. Düzeltilene kadar alıcılar önceki bilgileri görür.`,
    });
  }
  const score = Math.max(0, 100 - issues.reduce((s, i) => s + i.penalty, 0));
  return {
    marketplace: input.marketplace,
    productId: input.productId,
    ...(input.listingId !== undefined ? { listingId: input.listingId } : {}),
    score,
    issues,
    title: { length: title.length, min: rules.titleMin, max: rules.titleMax },
    images: { count: input.imageCount, recommended: rules.recommendedImages },
    missingAttributes,
    ...(input.requiredAttributesSource ? { requiredAttributesSource: input.requiredAttributesSource } : {}),
    keywordCoverage,
  };
}
