/**
 * Every value of meschain_listings.state: what the sync writes (listing push, stock/price settle,
 * quarantine and its release) plus `inactive`, which nothing writes yet but analytics reads. Filters
 * accept only these: any other value could never match, so it is a 400, not an empty page.
 */
export const LISTING_STATES = ['pending', 'blocked', 'submitted', 'active', 'failed', 'quarantined', 'inactive'] as const;

export type ListingState = (typeof LISTING_STATES)[number];
