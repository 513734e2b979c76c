import { loadConfig } from './config/load';
import { assertReachable, createDb } from './db/connection';
import { StartupError } from './util/errors';
import { migrateDownAll, migrateLatest } from '../../migrations';
import { installedTriggers, removeTriggers } from './sync/capture/triggers';
import { scanSnapshot } from './sync/capture/snapshot';
import { COMMANDS } from './cli/commands';
import { checkArgs, usageError, type ArgSpec } from './cli/args';

const USAGE = `usage: meschain <command>

commands:
  migrate               create or update the meschain_* tables and capture triggers
  uninstall             remove the capture triggers from OpenCart's tables (data kept)
  uninstall --purge     also drop every meschain_* table
  capture status        which capture triggers are installed
  capture scan          run one snapshot-diff scan now
${COMMANDS.flatMap((c) => c.usage.map((u) => `  ${u}\n`)).join('')}`;

/** The built-in commands' arguments (the others check their own); `capture` needs status or scan. */
const BUILTIN: Record<string, ArgSpec> = { migrate: {}, uninstall: { flags: ['purge'] }, capture: { positionals: 1 } };

/** A usage mistake in a built-in command, or null; judged before the configuration or database is read. */
function builtinMistake(command: string, rest: string[]): string | null {
  const bad = checkArgs(rest, BUILTIN[command]!);
  if (bad) return bad;
  if (command === 'capture' && rest[0] !== 'status' && rest[0] !== 'scan') return `capture needs status or scan, not '${rest[0] ?? ''}'`;
  return null;
}

/** Commands for system cron and operators; each prints a short result and exits non-zero on failure. */
async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command ? 0 : 64;
  }
  const extra = COMMANDS.find((c) => c.name === command);
  if (!extra && !Object.hasOwn(BUILTIN, command)) {
    process.stderr.write(`meschain: unknown command '${argv.join(' ')}'\n${USAGE}`);
    return 64;
  }
  const mistake = extra ? null : builtinMistake(command, rest);
  if (mistake) return usageError(process.stderr, command, mistake);
  const config = loadConfig();
  const prefix = config.opencart.tablePrefix;
  const knex = createDb(config.databaseUrl, { poolMax: 2 });
  try {
    await assertReachable(knex, config.databaseUrl);
    if (extra) return await extra.run({ config, knex, args: rest, out: process.stdout, err: process.stderr });
    switch (`${command} ${rest[0] ?? ''}`.trim()) {
      case 'migrate': {
        const applied = await migrateLatest(knex, { ocPrefix: prefix });
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
        return 0;
      }
      case 'uninstall':
      case 'uninstall --purge': {
        if (rest[0] === '--purge') {
          await migrateDownAll(knex, { ocPrefix: prefix });
          process.stdout.write('capture triggers removed and meschain_* tables dropped\n');
        } else {
          await removeTriggers(knex, prefix);
          process.stdout.write('capture triggers removed; meschain_* tables kept (use --purge to drop them)\n');
        }
        return 0;
      }
      case 'capture status': {
        const names = await installedTriggers(knex, prefix);
        process.stdout.write(names.length ? `${names.length} triggers installed:\n${names.join('\n')}\n` : 'no capture triggers installed (snapshot mode)\n');
        return 0;
      }
      case 'capture scan': {
        const result = await scanSnapshot(knex, prefix);
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return 0;
      }
      default:
        process.stderr.write(`meschain: unknown command '${argv.join(' ')}'\n${USAGE}`);
        return 64;
    }
  } finally {
    await knex.destroy();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`meschain: ${err instanceof StartupError ? err.message : ((err as Error).message ?? String(err))}\n`);
    process.exit(1);
  },
);
