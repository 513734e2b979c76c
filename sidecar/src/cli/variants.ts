import { readFileSync, writeFileSync } from 'node:fs';
import { getProducts, listProducts } from '../db/opencart/products';
import { exportVariantsCsv, importVariantsCsv, VariantImportError } from '../sync/variants/csv-io';
import { cliEngine, option } from './sync';
import type { CliCommand } from './types';

/**
 * meschain variants export [--file variants.csv] [--separator ';']
 * meschain variants import <file.csv>          all or nothing; every problem named by line and column
 * meschain variants generate [--products 1,2]  make variant rows (SKU, barcode) for products (all by default)
 * meschain variants gs1-prefix <digits>         the GS1 company prefix generated EAN-13 codes use
 */
export const variantsCommand: CliCommand = {
  name: 'variants',
  usage: [
    'variants export [--file <csv>] [--separator ";"]   the variant table as CSV (SKU, barcode, stock source, cost…)',
    'variants import <csv>                 fill the variant table from CSV (all or nothing)',
    'variants generate [--products 1,2,3]  create variant rows with generated SKUs and barcodes',
    'variants gs1-prefix <digits>          set the GS1 company prefix for generated EAN-13 barcodes',
  ],
  async run(c) {
    const [sub, arg] = c.args;
    const { engine, close } = await cliEngine(c);
    try {
      const oc = engine.deps.oc;
      switch (sub) {
        case 'export': {
          const csv = await exportVariantsCsv(engine.variants, oc, { separator: option(c.args, 'separator') === ';' ? ';' : ',' });
          const file = option(c.args, 'file');
          if (file) {
            writeFileSync(file, csv);
            c.out.write(`${csv.split('\r\n').length - 2} variants written to ${file}\n`);
          } else c.out.write(csv);
          return 0;
        }
        case 'import': {
          if (!arg) {
            c.err.write('meschain variants import: give the CSV file / CSV dosyasını belirtin\n');
            return 64;
          }
          try {
            const r = await importVariantsCsv(engine.variants, oc, readFileSync(arg, 'utf8'));
            c.out.write(`${r.rows} rows: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged\n`);
            return 0;
          } catch (err) {
            if (!(err instanceof VariantImportError)) throw err;
            c.err.write(`import refused, nothing was changed / içe aktarma reddedildi, hiçbir şey değişmedi:\n`);
            for (const p of err.problems.slice(0, 200)) c.err.write(`  line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}\n`);
            return 65;
          }
        }
        case 'generate': {
          const ids = option(c.args, 'products');
          let created = 0;
          const errors: string[] = [];
          const run = async (products: Parameters<typeof engine.variants.ensureForProducts>[0]) => {
            const r = await engine.variants.ensureForProducts(products);
            created += r.created;
            for (const [pid, why] of r.errors) errors.push(`product ${pid}: ${why}`);
          };
          if (ids) await run([...(await getProducts(oc, ids.split(',').map(Number))).values()]);
          else {
            for (let after = 0; ; ) {
              const page = await listProducts(oc, { afterId: after, limit: 500 });
              await run(page.items);
              if (page.nextAfterId === null) break;
              after = page.nextAfterId;
            }
          }
          c.out.write(`${created} variants created${errors.length ? `; skipped:\n  ${errors.join('\n  ')}` : ''}\n`);
          return 0;
        }
        case 'gs1-prefix': {
          if (!arg || !/^\d{6,11}$/.test(arg)) {
            c.err.write('meschain variants gs1-prefix: give 6-11 digits / 6-11 haneli GS1 öneki verin\n');
            return 64;
          }
          await engine.variants.setGs1Prefix(arg);
          c.out.write(`generated barcodes now use GS1 prefix ${arg}\n`);
          return 0;
        }
        default:
          c.err.write(`meschain variants: unknown sub-command '${sub ?? ''}' (export, import, generate, gs1-prefix)\n`);
          return 64;
      }
    } finally {
      await close();
    }
  },
};
