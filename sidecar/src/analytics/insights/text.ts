/**
 * Tokenising for Turkish and English shop texts. Turkish needs its own lower-casing (I → ı, İ → i), and
 * comparisons fold the Turkish letters to ASCII so "ürün", "urun" and "ÜRÜN" meet.
 */

const FOLD: Record<string, string> = { ç: 'c', ğ: 'g', ı: 'i', ö: 'o', ş: 's', ü: 'u', â: 'a', î: 'i', û: 'u' };

export type Lang = 'tr' | 'en';

const TR_LETTERS = /[çğıöşüÇĞİÖŞÜ]/;
const TR_HINTS = new Set(['ve', 'bir', 'bu', 'cok', 'urun', 'degil', 'icin', 'ama', 'gibi', 'da', 'de', 'ile', 'mi', 'mu', 'kargo', 'geldi', 'iade', 'ettim', 'aldim', 'tesekkurler', 'var', 'yok', 'guzel', 'kutu', 'kutusu', 'fiyat', 'hizli']);
const EN_HINTS = new Set(['the', 'and', 'is', 'it', 'this', 'was', 'with', 'for', 'not', 'very', 'item', 'arrived', 'product', 'does', 'you', 'great', 'good', 'fast']);
// Turkish endings that English words rarely have: past tense, present continuous, question particle.
const TR_ENDING = /(d[iıuü]m|t[iıuü]m|d[iıuü]|m[iı]ş|yor|yorum|s[iı]n[iı]z|l[ae]r[iı]?)$/;

/** A best guess at the language of a short text: Turkish letters, then common words and endings. */
export function guessLanguage(text: string): Lang {
  if (TR_LETTERS.test(text)) return 'tr';
  let tr = 0;
  let en = 0;
  for (const w of text.toLowerCase().split(/[^a-z]+/)) {
    if (!w) continue;
    if (TR_HINTS.has(w)) tr += 2;
    if (EN_HINTS.has(w)) en += 2;
    if (w.length > 3 && TR_ENDING.test(w)) tr++;
  }
  return tr > en ? 'tr' : 'en';
}

export function lower(text: string, lang: Lang): string {
  return lang === 'tr' ? text.toLocaleLowerCase('tr-TR') : text.toLowerCase();
}

export function fold(word: string): string {
  return word.replace(/[çğıöşüâîû]/g, (c) => FOLD[c] ?? c);
}

/** Lower-cased, folded word tokens (letters and digits); apostrophes split Turkish suffixes off names. */
export function tokenize(text: string, lang: Lang = guessLanguage(text)): string[] {
  return lower(text, lang)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map(fold);
}

const STOP_EN = 'a an and are as at be but by for from has have i in is it its of on or our so that the this to was were will with you your my me we they very just'.split(' ');
const STOP_TR = 've veya ile bir bu su o da de ki mi mu icin gibi cok ama ancak daha en ne ben sen biz siz onlar olarak olan oldu var yok ise hem her sey kadar sonra once diye geldi gelmis etti ettim aldim aldik'.split(' ');
export const STOPWORDS = new Set([...STOP_EN, ...STOP_TR]);

/** Tokens worth counting as keywords: not stop words, not bare numbers, at least 3 characters. */
export function keywords(text: string, lang?: Lang): string[] {
  return tokenize(text, lang).filter((w) => w.length >= 3 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
}
