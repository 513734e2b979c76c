/**
 * Runs a marketplace sandbox on its own, e.g. for trying the sidecar against it by hand:
 *
 *   npx tsx scripts/sandbox.ts [trendyol] [--port 8790] [--no-rate-limit] [--seed-products 20]
 *
 * Prints the API base URL, the credentials to use and the control API address.
 */
import { startTrendyolSandbox } from '../sidecar/src/sandbox/trendyol';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const which = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'trendyol';
  if (which !== 'trendyol') {
    console.error(`No sandbox for "${which}" yet; available: trendyol`);
    process.exit(2);
  }
  const port = Number(arg('port') ?? 8790);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  const sandbox = await startTrendyolSandbox({
    port,
    settings: process.argv.includes('--no-rate-limit') ? { rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } : {},
  });
  const seed = Number(arg('seed-products') ?? 0);
  for (let i = 1; i <= seed; i += 1) sandbox.control.seedProduct({ barcode: `SANDBOX${String(i).padStart(5, '0')}`, quantity: 20, salePrice: 199.9, listPrice: 249.9 });
  const seller = sandbox.sellers[0];
  console.log(`Trendyol sandbox API   ${sandbox.baseUrl}`);
  console.log(`control API            ${sandbox.controlUrl}  (e.g. GET /stock, POST /orders, PUT /faults)`);
  if (seller) console.log(`seller id ${seller.sellerId}, API key ${seller.apiKey}, API secret ${seller.apiSecret}`);
  console.log(`User-Agent header      "${seller?.sellerId ?? '<sellerId>'} - SelfIntegration"`);
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
