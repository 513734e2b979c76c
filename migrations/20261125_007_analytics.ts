import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { createTable } from './helpers';

/**
 * Analytics as data: every trained model is a versioned row with its parameters, its honest backtest
 * (rolling origin, against seasonal naive) in meschain_ai_model_performance, and what it predicted.
 * Anomalies and recommendations keep their explanation so the UI can say why. Owner-set price bounds
 * live in meschain_ai_price_rules (OpenCart has no cost price). InnoDB, UTC, money as DECIMAL.
 */

const TABLES = ['meschain_ai_price_rules', 'meschain_ai_recommendations', 'meschain_ai_anomalies', 'meschain_ai_predictions', 'meschain_ai_model_performance', 'meschain_ai_models'];

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  await createTable(knex, 'meschain_ai_models', (t) => {
    t.bigIncrements('id').primary();
    t.string('oc_prefix', 32).notNullable().comment('the shop (OpenCart DB_PREFIX) the model was trained on');
    t.integer('store_id').notNullable().defaultTo(0);
    t.string('name', 32).notNullable().comment('forecast, demand, pricing, anomalies, recommendations');
    t.integer('version').notNullable();
    t.string('status', 12).notNullable().defaultTo('training').comment('training, ready, failed');
    t.json('params').notNullable().comment('method settings and data window');
    t.string('trigger', 16).notNullable().defaultTo('schedule').comment('schedule, demand, start');
    t.date('data_from').nullable();
    t.date('data_to').nullable();
    t.integer('duration_ms').nullable();
    t.text('error').nullable();
    t.datetime('started_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('trained_at', { precision: 3 }).nullable();
    t.unique(['oc_prefix', 'store_id', 'name', 'version'], { indexName: 'meschain_ai_models_version' });
    t.index(['oc_prefix', 'store_id', 'name', 'status'], 'meschain_ai_models_latest');
  });

  await createTable(knex, 'meschain_ai_model_performance', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('model_id').unsigned().notNullable().references('meschain_ai_models.id').onDelete('CASCADE');
    t.string('level', 16).notNullable().comment('store, product, category, marketplace');
    t.string('measure', 16).notNullable().defaultTo('units');
    t.string('method', 16).notNullable().comment('auto = the per-series choice; or a single method; snaive = the baseline');
    t.integer('horizon_days').notNullable();
    t.integer('origins').notNullable();
    t.integer('series').notNullable();
    t.double('mase').nullable();
    t.double('rmsse').nullable();
    t.double('wape').nullable();
    t.double('bias').nullable();
    t.double('coverage80').nullable();
    t.double('coverage95').nullable();
    t.double('naive_mase').nullable();
    t.double('naive_rmsse').nullable();
    t.double('naive_wape').nullable();
    t.datetime('evaluated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['model_id', 'level', 'measure', 'method', 'horizon_days'], { indexName: 'meschain_ai_model_performance_item' });
  });

  await createTable(knex, 'meschain_ai_predictions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('model_id').unsigned().notNullable().references('meschain_ai_models.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable().comment('forecast, demand, price');
    t.string('level', 16).notNullable();
    t.string('series_key', 64).notNullable().comment("'store', product/category id, marketplace code");
    t.string('measure', 16).notNullable().defaultTo('units');
    t.string('method', 16).notNullable();
    t.date('origin').notNullable().comment('first predicted day (shop-local)');
    t.integer('horizon_days').notNullable();
    t.double('total').nullable().comment('sum of the point forecast over the horizon');
    t.json('payload').notNullable().comment('daily mean and interval bounds, or the demand / price result');
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['model_id', 'kind', 'level', 'series_key', 'measure'], { indexName: 'meschain_ai_predictions_item' });
  });

  await createTable(knex, 'meschain_ai_anomalies', (t) => {
    t.bigIncrements('id').primary();
    t.string('oc_prefix', 32).notNullable();
    t.integer('store_id').notNullable().defaultTo(0);
    t.string('source', 16).notNullable().comment('sales, orders, sync_errors, stock_moves');
    t.string('series_key', 64).notNullable();
    t.date('day').notNullable().comment('shop-local day');
    t.double('observed').notNullable();
    t.double('expected').notNullable();
    t.double('score').notNullable().comment('robust z: (observed - expected) / (1.4826 MAD)');
    t.string('severity', 8).notNullable().comment('low, medium, high');
    t.string('direction', 8).notNullable().comment('spike, drop');
    t.json('explanation').notNullable().comment('{en, tr} sentences');
    t.bigInteger('model_id').unsigned().nullable();
    t.datetime('detected_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('alerted_at', { precision: 3 }).nullable();
    t.unique(['oc_prefix', 'store_id', 'source', 'series_key', 'day'], { indexName: 'meschain_ai_anomalies_item' });
    t.index(['oc_prefix', 'store_id', 'day'], 'meschain_ai_anomalies_day');
  });

  await createTable(knex, 'meschain_ai_recommendations', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('model_id').unsigned().notNullable().references('meschain_ai_models.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable().comment('together, popular, action');
    t.integer('product_id').notNullable().defaultTo(0);
    t.integer('related_product_id').notNullable().defaultTo(0);
    t.string('action', 16).notNullable().defaultTo('').comment('restock, reprice, relist, fix_listing');
    t.integer('marketplace_id').nullable();
    t.integer('rank').notNullable();
    t.double('score').notNullable();
    t.decimal('expected_value', 15, 4).nullable().comment('default currency');
    t.json('reason').notNullable().comment('{en, tr} and the figures behind it');
    t.index(['model_id', 'kind', 'product_id', 'rank'], 'meschain_ai_recommendations_lookup');
  });

  await createTable(knex, 'meschain_ai_price_rules', (t) => {
    t.string('oc_prefix', 32).notNullable();
    t.integer('product_id').notNullable();
    t.decimal('cost', 15, 4).nullable().comment('unit cost excluding tax; no suggestion without it');
    t.decimal('min_price', 15, 4).nullable();
    t.decimal('max_price', 15, 4).nullable();
    t.decimal('min_margin', 6, 4).notNullable().defaultTo(0.1).comment('floor on (price - cost) / price');
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.primary(['oc_prefix', 'product_id']);
  });
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  for (const name of TABLES) await knex.schema.dropTableIfExists(name);
}
