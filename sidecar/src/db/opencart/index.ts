/**
 * The OpenCart data layer: typed reads of the catalog and crash-safe writes of stock and orders into a
 * shop's oc_* tables, following OpenCart's own conventions (shared/opencart/NOTES.md). Start with
 * loadOcContext; every other function takes the context it returns.
 */
export { loadOcContext, stockHoldingStatuses, OcContextError, type OcContext, type OcLanguage, type LoadOcContextOptions } from './context';
export { loadSettings, parseSettingValue, OcSettingError, type OcSettings } from './settings';
export { shopDateTime, shopDate, shopNow, shopToday, isKnownTimeZone } from './clock';
export { decodeOcText, encodeOcText, phpJsonEncode } from './text';
export { normalizeAmount, MoneyFormatError } from './money';
export { getProduct, getProducts, listProducts, type OcProduct, type OcProductDescription, type ProductPage, type ProductReadOptions } from './products';
export { loadProductOptions, type OcProductOption, type OcProductOptionValue } from './options';
export { loadSpecials, loadDiscounts, pickActive, isActiveAt, storefrontPrice, type OcSpecial, type OcDiscount, type OcPriceRule, type StorefrontPrice } from './pricing';
export { getCategory, listCategories, loadCategories, loadProductCategoryIds, PATH_SEPARATOR, type OcCategory, type OcCategoryPathItem } from './categories';
export { loadTaxRates, priceWithTax, taxOn, taxesFor, displayPrice, type OcTaxRate, type TaxRateTable, type TaxAddress, type TaxAddresses, type TaxAmount } from './tax';
export {
  setProductQuantity,
  adjustProductQuantity,
  setOptionValueQuantity,
  adjustOptionValueQuantity,
  recoverStockMoves,
  StockInputError,
  StockTargetNotFoundError,
  type StockChangeOptions,
  type StockChangeResult,
  type StockRecoveryReport,
} from './stock';
export {
  createOrder,
  addOrderHistory,
  recoverOrderWrites,
  getOrderWrite,
  orderTablesAreTransactional,
  pruneOrderWrites,
  type CreateOrderResult,
  type AddOrderHistoryOptions,
  type OrderHistoryResult,
  type StockMoveOutcome,
  type OrderRecoveryReport,
  type RecoveredWrite,
  type OrderWriteStatus,
  type OrderWriteOptions,
} from './orders';
export { createOrders, addOrderHistories, type BatchCreateResult, type BatchCreated, type BatchRefusal, type BatchStatusChange, type BatchStatusResult } from './order-batch';
export { OrderInputError, type CreateOrderInput, type AddressInput } from './order-input';
export { OrderNotFoundError, stockDirection, type StockDirection } from './order-history';
export { LockBusyError } from './locks';
export type { WriteHooks } from './order-journal';
