/** Per-marketplace price, stock and safety rules: pure computations plus their loader. */
export * from './schema';
export { computePrice, optionPriceDelta, PriceRuleError, type PriceInput, type PriceResult } from './price';
export { computeQuantity, type StockInput, type StockResult, type StockReason } from './stock';
export {
  loadAccountRules,
  resolveRules,
  saveRuleRow,
  deleteRuleRow,
  listRuleRows,
  loadCurrencyRates,
  ratePair,
  CurrencyMissingError,
  RuleLoadError,
  type AccountRules,
  type RuleSubject,
  type CurrencyRates,
  type RuleRowView,
} from './loader';
export { snap, toCents, addPercent, convert, rateUnits, centsText, toUnits, fromUnits } from './decimal';
