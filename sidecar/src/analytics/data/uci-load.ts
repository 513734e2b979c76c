import type { Knex } from 'knex';
import { loadOcContext, type OcContext } from '../../db/opencart';
import { rawWrite } from '../../db/raw';
import { writeHistory, type WriteHistoryResult } from './history-writer';
import { convertUci, readUciCsv, UCI_CURRENCY, UCI_TIMEZONE, type UciConversion } from './uci';

/**
 * Loads the public Online Retail dataset into a fresh OpenCart database as that shop's order history.
 * The shop is first made what the retailer was: a UK shop (Europe/London) selling in GBP, so the
 * analytics read its days and amounts as the retailer saw them. Refuses a shop that already has orders.
 */

export interface UciLoadResult {
  ctx: OcContext;
  conversion: UciConversion['stats'];
  written: WriteHistoryResult;
  /** The dataset's last invoice time (shop-local): the "now" of this shop. */
  lastInvoiceAt: string;
}

export async function loadUciIntoShop(knex: Knex, prefix: string, file: string, opts: { limit?: number; storeUrl?: string } = {}): Promise<UciLoadResult> {
  const [[existing]] = (await knex.raw(`SELECT COUNT(*) AS n FROM \`${prefix}order\``)) as unknown as [[{ n: number }]];
  if (Number(existing.n) > 0) throw new Error(`${prefix}order already holds ${existing.n} orders; load the dataset into an empty shop`);
  const [[gbp]] = (await knex.raw(`SELECT COUNT(*) AS n FROM \`${prefix}currency\` WHERE code = ?`, [UCI_CURRENCY])) as unknown as [[{ n: number }]];
  if (Number(gbp.n) === 0) throw new Error(`${prefix}currency has no ${UCI_CURRENCY} row`);
  await setSetting(knex, prefix, 'config_timezone', UCI_TIMEZONE);
  await setSetting(knex, prefix, 'config_currency', UCI_CURRENCY);
  // The default currency's rate is 1 by OpenCart's convention.
  await rawWrite(knex, `UPDATE \`${prefix}currency\` SET value = CASE WHEN code = ? THEN 1 ELSE value END`, [UCI_CURRENCY]);

  const rows = await readUciCsv(file, opts.limit !== undefined ? { limit: opts.limit } : {});
  const { history, stats } = convertUci(rows);
  const lastInvoiceAt = rows.reduce((m, r) => (r.at > m ? r.at : m), '');
  const ctx = await loadOcContext(knex, { prefix, ...(opts.storeUrl !== undefined ? { storeUrl: opts.storeUrl } : {}) });
  const written = await writeHistory(ctx, history, { now: lastInvoiceAt });
  return { ctx, conversion: stats, written, lastInvoiceAt };
}

async function setSetting(knex: Knex, prefix: string, key: string, value: string): Promise<void> {
  const [found] = (await knex.raw(`SELECT setting_id FROM \`${prefix}setting\` WHERE store_id = 0 AND code = 'config' AND \`key\` = ?`, [key])) as unknown as [Array<{ setting_id: number }>];
  if (found.length > 0) await rawWrite(knex, `UPDATE \`${prefix}setting\` SET value = ?, serialized = 0 WHERE store_id = 0 AND code = 'config' AND \`key\` = ?`, [value, key]);
  else await rawWrite(knex, `INSERT INTO \`${prefix}setting\` (store_id, code, \`key\`, value, serialized) VALUES (0, 'config', ?, ?, 0)`, [key, value]);
}
