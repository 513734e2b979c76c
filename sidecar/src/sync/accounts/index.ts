/** Marketplace accounts: sealed credentials, validated settings, per-flow switches. */
export * from './schema';
export { AccountStore, AccountInputError, AccountNotFoundError, credentialsContext, type AccountView, type DefinitionLookup } from './store';
