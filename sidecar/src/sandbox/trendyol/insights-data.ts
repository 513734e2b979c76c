/**
 * The sandbox's deterministic market: which other sellers offer a barcode and what customers ask
 * about it, derived from a hash of the seller id and barcode so every run shows the same picture.
 */

export interface QuestionTemplate {
  text: string;
  /** Present: the question was answered (ANSWERED), else it waits (WAITING_FOR_ANSWER). */
  answer?: string;
}

/**
 * Alternating Turkish and English (a product with two questions gets one of each). Kept free of the
 * strongest complaint words so a test can plant a complaint and find it.
 */
export const QUESTION_TEMPLATES: QuestionTemplate[] = [
  { text: 'Bu ürünün kumaşı terletir mi?', answer: 'Merhaba, ürünümüz %100 pamuktur ve terletmez.' },
  { text: 'Is this available in size L?' },
  { text: 'Beden tablosu standart mı, bir beden büyük almalı mıyım?' },
  { text: 'Does it shrink after washing?', answer: 'Hello, it keeps its size when washed at 30°C.' },
  { text: 'Kargo ne zaman çıkar? Siparişim iki gündür hazırlanıyor, çok geç kaldı.' },
  { text: 'Can you ship faster? Delivery was very slow last time.' },
  { text: 'Ürün orijinal mi, faturalı mı gönderiliyor?', answer: 'Merhaba, tüm ürünlerimiz orijinal ve faturalıdır.' },
  { text: 'Is the colour the same as in the photo? It looks great.', answer: 'Hello, yes: the photos are of the product itself.' },
  { text: 'Yıkayınca çeker mi? Geçen aldığım küçük geldi.' },
  { text: 'What is the fabric made of?' },
  { text: 'Rengi fotoğraftaki gibi mi? Çok güzel görünüyor.', answer: 'Merhaba, renkler fotoğraftaki gibidir.' },
  { text: 'Is there a warranty? Thanks in advance.' },
  { text: 'Paketleme sağlam mı, hediye olarak göndereceğim.', answer: 'Merhaba, ürünler özenle paketlenir.' },
  { text: 'Is this product original? Another seller sent me a fake one.' },
];

export const CUSTOMER_NAMES = ['Ayşe K.', 'John S.', 'Mehmet Y.', 'Emma W.', 'Elif D.', 'Burak T.', 'Zeynep A.', 'Daniel R.'];

/** FNV-1a, 32 bits: a stable small hash for deriving seeded values. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * Other sellers' offers for a barcode, priced from our sale price when first seen: a third of barcodes
 * have no other seller, a third one dearer seller (we hold the buybox), a third a cheaper seller and a
 * dearer one (we do not).
 */
export function seededCompetitors(sellerId: string, barcode: string, salePrice: number): Array<{ sellerId: string; price: number }> {
  const h = hash32(`${sellerId}:${barcode}`);
  switch (h % 3) {
    case 0:
      return [];
    case 1:
      return [{ sellerId: String(200_000 + (h % 1000)), price: cents(salePrice * 1.08) }];
    default:
      return [
        { sellerId: String(300_000 + (h % 1000)), price: cents(salePrice * 0.93) },
        { sellerId: String(400_000 + (h % 1000)), price: cents(salePrice * 1.12) },
      ];
  }
}

export interface SeededQuestion {
  template: QuestionTemplate;
  /** Hours before the product was first seen. */
  hoursAgo: number;
  userName: string;
  showUserName: boolean;
  customerId: number;
}

/** One or two questions per product (two: one Turkish, one English), within the last six days. */
export function seededQuestions(sellerId: string, barcode: string): SeededQuestion[] {
  const h = hash32(`${sellerId}:${barcode}:qna`);
  const count = 1 + (h % 2);
  const out: SeededQuestion[] = [];
  for (let j = 0; j < count; j += 1) {
    const hj = hash32(`${sellerId}:${barcode}:qna:${j}`);
    out.push({
      // 7 apart: an odd step, so the second question is in the other language.
      template: QUESTION_TEMPLATES[((h >>> 4) + j * 7) % QUESTION_TEMPLATES.length]!,
      hoursAgo: 1 + (hj % 144),
      userName: CUSTOMER_NAMES[hj % CUSTOMER_NAMES.length]!,
      showUserName: (hj >>> 8) % 2 === 0,
      customerId: 10_000_000 + (hj % 1_000_000),
    });
  }
  return out;
}
