import { SandboxError } from './errors';
import { seededCompetitors, seededQuestions } from './insights-data';
import type { Product } from './model';
import type { ProductsStore } from './products-store';
import type { TrendyolSandboxSettings } from './settings';

/** Other sellers' offers (the buybox) and customer questions of one sandbox. Times are real epoch ms. */

/** UNANSWERED: closed because the seller did not answer in time (never carries an answer). */
export const QUESTION_STATUSES = ['WAITING_FOR_ANSWER', 'WAITING_FOR_APPROVE', 'ANSWERED', 'REPORTED', 'REJECTED', 'UNANSWERED'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

export interface Offer {
  sellerId: string;
  price: number;
}

export interface QuestionAnswer {
  id: number;
  text: string;
  creationDate: number;
  hasPrivateInfo: boolean;
  reason: string | null;
}

export interface Question {
  id: number;
  sellerId: string;
  /** Not in Trendyol's answer; kept to serve the barcode filter. */
  barcode: string | null;
  text: string;
  status: QuestionStatus;
  creationDate: number;
  lastModifiedDate: number;
  customerId: number;
  userName: string;
  showUserName: boolean;
  public: boolean;
  productName: string | null;
  productMainId: string | null;
  imageUrl: string | null;
  webUrl: string | null;
  answer: QuestionAnswer | null;
  rejectedAnswer: QuestionAnswer | null;
  reason: string | null;
  reportReason: string | null;
  reportedDate: number | null;
  rejectedDate: number | null;
}

/** What a test or the demo may plant: a question in its own words, optionally answered or dated. */
export interface PlantQuestion {
  text: string;
  barcode?: string;
  status?: QuestionStatus;
  /** Epoch ms (UTC); default now. */
  createdAt?: number;
  userName?: string;
  showUserName?: boolean;
  answer?: string;
}

export interface QuestionFilter {
  barcode?: string;
  status?: QuestionStatus;
  start: number;
  end: number;
  orderByField: 'CreatedDate' | 'LastModifiedDate';
  orderByDirection: 'ASC' | 'DESC';
}

export class InsightsStore {
  private readonly offers = new Map<string, Offer[]>();
  private readonly questions: Question[] = [];
  /** Products whose seeded questions exist already (seller:barcode). */
  private readonly questioned = new Set<string>();
  private nextId = 1_000_000;

  constructor(
    private readonly settings: () => TrendyolSandboxSettings,
    private readonly products: ProductsStore,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.offers.clear();
    this.questions.length = 0;
    this.questioned.clear();
  }

  /** Other sellers' offers for a barcode: planted, else seeded from our price the first time it is asked. */
  competitors(sellerId: string, product: Product): Offer[] {
    const key = `${sellerId}:${product.barcode}`;
    let list = this.offers.get(key);
    if (!list) {
      list = this.settings().seedInsights ? seededCompetitors(sellerId, product.barcode, product.salePrice) : [];
      this.offers.set(key, list);
    }
    return list;
  }

  setCompetitors(sellerId: string, barcode: string, offers: unknown): Offer[] {
    if (!Array.isArray(offers)) throw new SandboxError(400, 'competitors.invalid', 'competitors must be a list of { sellerId?, price }');
    const list = offers.map((o: { sellerId?: unknown; price?: unknown }, i) => {
      if (typeof o?.price !== 'number' || !(o.price > 0)) throw new SandboxError(400, 'competitors.price.invalid', `competitors[${i}].price must be a positive number`);
      return { sellerId: typeof o.sellerId === 'string' && o.sellerId !== '' ? o.sellerId : String(900_000 + i), price: o.price };
    });
    this.offers.set(`${sellerId}:${barcode}`, list);
    return list;
  }

  /** Trendyol's ranking, simplified to price (our offer first among equal prices). */
  standing(sellerId: string, product: Product): { buyboxOrder: number; prices: number[]; multiple: boolean } {
    const others = this.competitors(sellerId, product);
    const ranked = [{ self: true, price: product.salePrice }, ...others.map((o) => ({ self: false, price: o.price }))].sort((a, b) => a.price - b.price || Number(b.self) - Number(a.self));
    return { buyboxOrder: ranked.findIndex((r) => r.self) + 1, prices: ranked.map((r) => r.price), multiple: others.length > 0 };
  }

  private seedQuestions(sellerId: string, catalogue: Iterable<Product>): void {
    if (!this.settings().seedInsights) return;
    const now = this.now();
    for (const product of catalogue) {
      const key = `${sellerId}:${product.barcode}`;
      if (this.questioned.has(key)) continue;
      this.questioned.add(key);
      for (const q of seededQuestions(sellerId, product.barcode)) {
        const created = now - q.hoursAgo * 3600_000;
        this.insert(sellerId, product, {
          text: q.template.text,
          status: q.template.answer ? 'ANSWERED' : 'WAITING_FOR_ANSWER',
          createdAt: created,
          userName: q.userName,
          showUserName: q.showUserName,
          ...(q.template.answer ? { answer: q.template.answer } : {}),
        }, q.customerId);
      }
    }
  }

  plant(sellerId: string, input: PlantQuestion): Question {
    if (typeof input?.text !== 'string' || input.text.trim() === '') throw new SandboxError(400, 'text.required', 'text is required');
    if (input.status !== undefined && !QUESTION_STATUSES.includes(input.status)) throw new SandboxError(400, 'status.invalid', `status must be one of ${QUESTION_STATUSES.join(', ')}`);
    if (input.createdAt !== undefined && !Number.isFinite(input.createdAt)) throw new SandboxError(400, 'created.at.invalid', 'createdAt must be epoch milliseconds');
    const needsAnswer = input.status === 'ANSWERED' || input.status === 'WAITING_FOR_APPROVE' || input.status === 'REJECTED';
    if (needsAnswer && (typeof input.answer !== 'string' || input.answer === '')) throw new SandboxError(400, 'answer.required', `a question ${input.status} needs an answer text`);
    const product = input.barcode ? this.products.get(sellerId, input.barcode) : undefined;
    // Seed the product's own questions first, so planting never changes what seeding adds later.
    if (product) this.seedQuestions(sellerId, [product]);
    return this.insert(sellerId, product ?? null, input, 20_000_000 + this.questions.length, input.barcode);
  }

  private insert(sellerId: string, product: Product | null, input: PlantQuestion, customerId: number, barcode = product?.barcode): Question {
    const created = input.createdAt ?? this.now();
    const status = input.status ?? (input.answer ? 'ANSWERED' : 'WAITING_FOR_ANSWER');
    const answered = input.answer !== undefined && status !== 'WAITING_FOR_ANSWER' && status !== 'UNANSWERED';
    const answerAt = created + 2 * 3600_000;
    const id = this.nextId++;
    const answer: QuestionAnswer | null = answered ? { id: id + 500_000, text: input.answer!, creationDate: answerAt, hasPrivateInfo: false, reason: null } : null;
    const q: Question = {
      id,
      sellerId,
      barcode: barcode ?? null,
      text: input.text,
      status,
      creationDate: created,
      lastModifiedDate: answer ? answerAt : created,
      customerId,
      userName: input.userName ?? 'Müşteri',
      showUserName: input.showUserName ?? false,
      public: status === 'ANSWERED',
      productName: product?.title ?? null,
      productMainId: product?.productMainId ?? null,
      imageUrl: product?.images[0]?.url ?? null,
      webUrl: product ? `https://www.trendyol.com/sandbox/urun-p-${product.productCode}` : null,
      answer: status === 'REJECTED' ? null : answer,
      rejectedAnswer: status === 'REJECTED' ? answer : null,
      reason: status === 'REJECTED' ? 'Cevap kurallara uygun değil.' : null,
      reportReason: status === 'REPORTED' ? 'Ürünle ilgili değil.' : null,
      reportedDate: status === 'REPORTED' ? created + 3600_000 : null,
      rejectedDate: status === 'REJECTED' ? answerAt : null,
    };
    this.questions.push(q);
    return q;
  }

  /** Questions of the seller matching the filter, sorted; the catalogue's seeded questions first come into being. */
  list(sellerId: string, filter: QuestionFilter): Question[] {
    this.seedQuestions(sellerId, this.products.of(sellerId).values());
    const dateOf = (q: Question) => (filter.orderByField === 'CreatedDate' ? q.creationDate : q.lastModifiedDate);
    const sign = filter.orderByDirection === 'ASC' ? 1 : -1;
    return this.questions
      .filter((q) => q.sellerId === sellerId && q.creationDate >= filter.start && q.creationDate <= filter.end)
      .filter((q) => filter.barcode === undefined || q.barcode === filter.barcode)
      .filter((q) => filter.status === undefined || q.status === filter.status)
      .sort((a, b) => (dateOf(a) - dateOf(b) || a.id - b.id) * sign);
  }

  /** Every question of the seller (control API), seeding the catalogue's first. */
  all(sellerId: string): Question[] {
    this.seedQuestions(sellerId, this.products.of(sellerId).values());
    return this.questions.filter((q) => q.sellerId === sellerId);
  }
}
