/**
 * What analytics needs from a marketplaces service to summarise customer feedback (the `marketplaces`
 * service's `customerQuestions`). Structural, so analytics does not depend on the marketplaces module.
 */

export interface SourcedQuestion {
  marketplace: string;
  accountId: number;
  text: string;
}

/** Per account: questions/reviews read (null: the marketplace's API does not offer them), or the error. */
export interface FeedbackSourceReport {
  accountId: number;
  marketplace: string;
  name: string;
  questions: number | null;
  reviews: number | null;
  error: string | null;
}

export interface QuestionHarvestView {
  since: string;
  until: string;
  questions: SourcedQuestion[];
  sources: FeedbackSourceReport[];
  truncated: boolean;
}

export type QuestionSource = (sinceDays: number, filter?: { marketplace?: string }) => Promise<QuestionHarvestView>;

/** Largest look-back of GET /insights/feedback, in days. */
export const MAX_FEEDBACK_DAYS = 90;
export const DEFAULT_FEEDBACK_DAYS = 14;
