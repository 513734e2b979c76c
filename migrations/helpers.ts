import type { Knex } from 'knex';

/** Creates a meschain_* table (InnoDB, utf8mb4) unless it exists, so a half-applied migration can be re-run. */
export async function createTable(knex: Knex, name: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  if (await knex.schema.hasTable(name)) return;
  await knex.schema.createTable(name, (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    build(t);
  });
}
