import { startSidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { marketplacesModule } from '../../src/modules/marketplaces';
import { createLogger } from '../../src/util/logger';

/** A sidecar (marketplaces module only) in its own process, configured by MESCHAIN_* env; prints "ready <url>". */
void (async () => {
  const sidecar = await startSidecar(loadConfig(process.env), { logger: createLogger('silent'), modules: [marketplacesModule] });
  process.stdout.write(`ready ${sidecar.url}\n`);
  process.once('SIGTERM', () => void sidecar.close().then(() => process.exit(0)));
})().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
