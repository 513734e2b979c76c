import { EN_LEXICON, EN_NEGATORS, INTENSIFIERS, TR_LEXICON, TR_NEGATORS_AFTER } from './lexicon';
import { guessLanguage, keywords, tokenize, type Lang } from './text';

/**
 * Lexicon-based sentiment for customer questions and reviews in Turkish and English. Negation stays
 * inside its clause (split at punctuation): English negators flip the next three words; Turkish
 * negation comes after the word ("iyi değil") or as the verb suffix -ma/-me right after a stem
 * ("beğenmedim"). Intensifiers double a weight. A star rating, when given, outweighs the words.
 */

export interface CustomerText {
  kind: 'question' | 'review';
  marketplace: string;
  productId?: number;
  text: string;
  /** 1–5 stars, when the marketplace provides one. */
  rating?: number;
}

export type Polarity = 'positive' | 'negative' | 'neutral';

export interface TextSentiment {
  lang: Lang;
  score: number;
  polarity: Polarity;
  hits: Array<{ term: string; weight: number }>;
}

function lookup(token: string, lang: Lang): { stem: string; weight: number; suffixNegated: boolean } | null {
  if (lang === 'en') {
    const w = EN_LEXICON[token];
    return w !== undefined ? { stem: token, weight: w, suffixNegated: false } : null;
  }
  const exact = TR_LEXICON[token];
  if (exact !== undefined) return { stem: token, weight: exact, suffixNegated: false };
  // Longer stems match as prefixes (Turkish is agglutinative); short ones only exactly.
  for (let len = Math.min(token.length - 1, 10); len >= 4; len--) {
    const stem = token.slice(0, len);
    const w = TR_LEXICON[stem];
    if (w !== undefined) {
      const rest = token.slice(len);
      // -ma/-me + a personal or tense ending negates (beğenmedim, beğenmez, beğenmiyorum); -miş does not.
      return { stem, weight: w, suffixNegated: /^(m[ae][dzysmkln]|m[iu]yor)/.test(rest) };
    }
  }
  return null;
}

export function scoreText(text: string, rating?: number): TextSentiment {
  const lang = guessLanguage(text);
  const hits: TextSentiment['hits'] = [];
  let score = 0;
  for (const clause of text.replace(/n't\b/g, ' not').split(/[,.;:!?()\n]+/)) {
    const tokens = tokenize(clause, lang);
    for (let i = 0; i < tokens.length; i++) {
      const hit = lookup(tokens[i]!, lang);
      if (!hit) continue;
      let w = hit.weight;
      if (lang === 'en') {
        for (let k = Math.max(0, i - 3); k < i; k++) if (EN_NEGATORS.has(tokens[k]!)) w = -w;
      } else {
        if (hit.suffixNegated) w = -w;
        if (TR_NEGATORS_AFTER.has(tokens[i + 1] ?? '')) w = -w;
      }
      if (i > 0 && INTENSIFIERS.has(tokens[i - 1]!)) w *= 2;
      hits.push({ term: hit.stem, weight: w });
      score += w;
    }
  }
  if (rating !== undefined && rating >= 1 && rating <= 5) score = score / 2 + (rating - 3) * 1.5;
  return { lang, score, polarity: score > 0.5 ? 'positive' : score < -0.5 ? 'negative' : 'neutral', hits };
}

export interface SentimentSummary {
  count: number;
  byKind: Record<'question' | 'review', number>;
  byLanguage: Record<Lang, number>;
  positive: number;
  negative: number;
  neutral: number;
  meanScore: number;
  /** Most frequent keywords (folded) with how many texts mention them. */
  keywords: Array<{ term: string; texts: number }>;
  /** Lexicon terms behind the negative texts, most frequent first: what customers complain about. */
  complaints: Array<{ term: string; texts: number }>;
  praise: Array<{ term: string; texts: number }>;
}

function top(counts: Map<string, number>, n: number): Array<{ term: string; texts: number }> {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([term, texts]) => ({ term, texts }));
}

export function summarizeTexts(items: readonly CustomerText[], topN = 10): SentimentSummary {
  const kw = new Map<string, number>();
  const bad = new Map<string, number>();
  const good = new Map<string, number>();
  const out: SentimentSummary = { count: 0, byKind: { question: 0, review: 0 }, byLanguage: { tr: 0, en: 0 }, positive: 0, negative: 0, neutral: 0, meanScore: 0, keywords: [], complaints: [], praise: [] };
  let total = 0;
  for (const item of items) {
    const s = scoreText(item.text, item.rating);
    out.count++;
    out.byKind[item.kind]++;
    out.byLanguage[s.lang]++;
    out[s.polarity]++;
    total += s.score;
    for (const w of new Set(keywords(item.text, s.lang))) kw.set(w, (kw.get(w) ?? 0) + 1);
    const terms = new Set(s.hits.filter((h) => (s.polarity === 'negative' ? h.weight < 0 : h.weight > 0)).map((h) => h.term));
    const target = s.polarity === 'negative' ? bad : s.polarity === 'positive' ? good : null;
    if (target) for (const t of terms) target.set(t, (target.get(t) ?? 0) + 1);
  }
  out.meanScore = out.count ? total / out.count : 0;
  out.keywords = top(kw, topN);
  out.complaints = top(bad, topN);
  out.praise = top(good, topN);
  return out;
}
