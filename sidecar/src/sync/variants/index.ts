/** The sidecar's variant table: OpenCart option-value combinations with their own SKU, barcode, stock source and cost. */
export * from './codes';
export * from './combos';
export * from './stock';
export { VariantStore, toVariant, type VariantRow, type VariantOptionRef, type EnsureResult } from './store';
export { exportVariantsCsv, importVariantsCsv, VariantImportError, CSV_COLUMNS, type ImportProblem, type ImportResult } from './csv-io';
export { parseCsv, formatCsv, detectSeparator, CsvSyntaxError, type CsvRecord } from './csv';
