import type { ItemError, ItemResult } from '../../marketplaces/contract';

/**
 * Why an item failed, as settling reads it. A failure that came without any reason is neither known to
 * be refused for good nor known to have gone through: it is an unknown, retryable error (as adapters
 * report a missing or unreadable result). Never an empty list, which every "all errors are …" check
 * would let through as if the item had succeeded.
 */
export function failureReasons(r: ItemResult): ItemError[] {
  if (r.errors.length > 0) return r.errors;
  return [{ code: 'unknown', message: 'the marketplace reported a failure without a reason', retryable: true }];
}
