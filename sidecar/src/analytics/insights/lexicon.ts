/**
 * Small sentiment lexicons for customer questions and reviews, in folded form (text.ts `fold`), built
 * for shop feedback: product quality, delivery, packaging, fit, seller behaviour. Weights are −2 … 2.
 * Turkish entries are stems: a token matches when it starts with one (beğendim, beğenmedim → see the
 * negative-suffix rule in sentiment.ts).
 */

export const EN_LEXICON: Record<string, number> = {
  good: 1, great: 2, excellent: 2, perfect: 2, love: 2, loved: 2, amazing: 2, nice: 1, happy: 1, recommend: 1, recommended: 1,
  fast: 1, quick: 1, quality: 1, beautiful: 2, works: 1, worth: 1, comfortable: 1, satisfied: 1, thanks: 1, thank: 1, fine: 1,
  bad: -1, poor: -1, terrible: -2, awful: -2, broken: -2, damaged: -2, late: -1, slow: -1, wrong: -1, refund: -1, return: -1,
  returned: -1, disappointed: -2, disappointing: -2, cheap: -1, fake: -2, missing: -1, worst: -2, useless: -2,
  defective: -2, scratched: -1, small: -1, smaller: -1, faulty: -2, problem: -1, complaint: -1, leaking: -2, rude: -2,
};

export const TR_LEXICON: Record<string, number> = {
  guzel: 1, harika: 2, mukemmel: 2, super: 2, begen: 1, memnun: 1, tavsiye: 1, hizli: 1, kaliteli: 1, saglam: 1, tesekkur: 1,
  bayil: 2, uygun: 1, rahat: 1, sahane: 2, basarili: 1, iyi: 1, kusursuz: 2, orijinal: 1, ozenli: 1,
  kotu: -1, berbat: -2, rezalet: -2, bozuk: -2, kirik: -2, hasarli: -2, gec: -1, yavas: -1, yanlis: -1, iade: -1, sahte: -2,
  eksik: -1, kalitesiz: -2, pisman: -2, sorun: -1, problem: -1, sikayet: -1, ezik: -1, cizik: -1, yirtik: -2, defolu: -2,
  dandik: -2, ilgisiz: -1, kucuk: -1, dar: -1, solmus: -1, akit: -2, gelmedi: -2, ulasmadi: -2, gecik: -1,
};

/**
 * Words that flip the polarity of what they govern. English ones precede it; Turkish ones follow it
 * ("iyi değil", "sorun yok"). Turkish "hiç", "asla", "pek" go with a negated verb ("hiç beğenmedim"),
 * so they intensify rather than negate.
 */
export const EN_NEGATORS = new Set(['not', 'no', 'never', 'dont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'wont', 'cant', 'cannot', 'without', 'nor']);
export const TR_NEGATORS_AFTER = new Set(['degil', 'yok', 'olmadi', 'olmamis']);
/** Intensifiers double the weight of the word after them. */
export const INTENSIFIERS = new Set(['very', 'really', 'so', 'extremely', 'too', 'cok', 'gercekten', 'asiri', 'son', 'fazla', 'hic', 'asla', 'pek']);
