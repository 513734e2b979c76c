import { readFileSync, writeFileSync } from 'node:fs';
import { getProducts, listProducts } from '../db/opencart/products';
import { exportVariantsCsv, importVariantsCsv, VariantImportError } from '../sync/variants/csv-io';
import { checkArgs, option, positionals, usageError, type ArgSpec } from './args';
import { cliEngine } from './sync';
import type { CliCommand } from './types';

/**
 * meschain variants export [--file variants.csv] [--separator ';']
 * meschain variants import <file.csv>          all or nothing; every problem named by line and column
 * meschain variants generate [--products 1,2]  make variant rows (SKU, barcode) for products (all by default)
 * meschain variants gs1-prefix <digits>         the GS1 company prefix generated EAN-13 codes use
 */
const SPECS: Record<string, ArgSpec> = {
  export: { options: ['file', 'separator'], positionals: 1 },
  import: { positionals: 2 },
  generate: { options: ['products'], positionals: 1 },
  'gs1-prefix': { positionals: 2 },
};

/** Option values a sub-command would otherwise misread (a ';' separator taken as ',', a product id as NaN). */
function checkValues(args: string[]): string | null {
  const sep = option(args, 'separator');
  if (sep !== undefined && sep !== ',' && sep !== ';') return `--separator must be ',' or ';', not '${sep}'`;
  const products = option(args, 'products');
  if (products !== undefined && !/^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9})*$/.test(products)) return `--products must be product ids separated by commas, e.g. 1,2,3, not '${products}'`;
  return null;
}

export const variantsCommand: CliCommand = {
  name: 'variants',
  usage: [
    'variants export [--file <csv>] [--separator ";"]   the variant table as CSV (SKU, barcode, stock source, cost…)',
    'variants import <csv>                 fill the variant table from CSV (all or nothing)',
    'variants generate [--products 1,2,3]  create variant rows with generated SKUs and barcodes',
    'variants gs1-prefix <digits>          set the GS1 company prefix for generated EAN-13 barcodes',
  ],
  async run(c) {
    const spec = Object.hasOwn(SPECS, c.args[0] ?? '') ? SPECS[c.args[0]!] : undefined;
    if (!spec) return usageError(c.err, 'variants', `unknown sub-command '${c.args[0] ?? ''}' (export, import, generate, gs1-prefix)`);
    const bad = checkArgs(c.args, spec) ?? checkValues(c.args);
    if (bad) return usageError(c.err, `variants ${c.args[0]}`, bad);
    const [sub, arg] = positionals(c.args, spec);
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
          let text: string;
          try {
            text = readFileSync(arg, 'utf8');
          } catch (err) {
            c.err.write(`meschain variants import: cannot read ${arg} (${(err as NodeJS.ErrnoException).code ?? 'error'}) / dosya okunamadı\n`);
            return 66;
          }
          try {
            const r = await importVariantsCsv(engine.variants, oc, text);
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
