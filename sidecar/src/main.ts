import { loadConfig } from './config/load';
import { createLogger } from './util/logger';
import { StartupError } from './util/errors';
import { startSidecar } from './app';

/**
 * Process entry point. Operator-fixable problems (bad config, unreachable database, refused
 * privileges) end the process with one line on stderr and a non-zero code, never a stack dump.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const sidecar = await startSidecar(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    sidecar.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof StartupError) {
    process.stderr.write(`meschain: ${err.message}\n`);
    process.exit(err.name === 'ConfigError' ? 2 : 1);
  }
  process.stderr.write(`meschain: unexpected start-up failure: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
