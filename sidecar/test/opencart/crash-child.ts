/**
 * Run as a separate process by order-recovery.test.ts: performs one order write against the given test
 * database and SIGKILLs itself right after the named step — a real crash, with no finally blocks, no
 * lock release and no connection close from our side.
 *   argv: <databaseUrl> <prefix> <create|history> <step> [orderId statusId]
 */
import { createDb } from '../../src/db/connection';
import { loadOcContext } from '../../src/db/opencart/context';
import { addOrderHistory, createOrder } from '../../src/db/opencart/orders';
import { guestOrder } from './fixtures';

async function main(): Promise<void> {
  const [url, prefix, op, stepName, orderId, statusId] = process.argv.slice(2);
  if (!url || !prefix || !op || !stepName) throw new Error('usage: crash-child <url> <prefix> <op> <step> [orderId statusId]');
  const knex = createDb(url, { poolMax: 4 });
  const ctx = await loadOcContext(knex, { prefix, now: () => new Date('2026-03-10T22:30:05Z') });
  const hooks = {
    afterStep: (name: string) => {
      if (name === stepName) process.kill(process.pid, 'SIGKILL');
    },
  };
  if (op === 'create') await createOrder(ctx, guestOrder({ token: `child-${stepName}` }), { hooks });
  else await addOrderHistory(ctx, Number(orderId), Number(statusId), { hooks, token: `child-${stepName}-${orderId}` });
  // Reaching here means the step never came: exit non-zero so the test notices.
  process.exit(3);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
