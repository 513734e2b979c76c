import { syncStatus } from '../sync/reconcile/routes';
import { FLOW_NAMES } from '../sync/accounts/schema';
import { cliEngine } from './sync';
import { checkArgs, usageError } from './args';
import type { CliCommand } from './types';

/** meschain status: per marketplace account, each flow on/off, listings by state, last push, queue, last run. */
export const statusCommand: CliCommand = {
  name: 'status',
  usage: ['status                                state per marketplace account and flow'],
  async run(c) {
    const bad = checkArgs(c.args, {});
    if (bad) return usageError(c.err, 'status', bad);
    const { engine, close } = await cliEngine(c);
    try {
      const accounts = await syncStatus(engine);
      if (accounts.length === 0) {
        c.out.write('no marketplace accounts yet / henüz pazaryeri hesabı yok\n');
        return 0;
      }
      for (const a of accounts) {
        c.out.write(`${a.code} #${a.id} ${a.name}: ${a.enabled ? 'enabled' : 'disabled'}\n`);
        c.out.write(`  flows: ${FLOW_NAMES.map((f) => `${f} ${a.flows[f] ? 'on' : 'off'}`).join(', ')}\n`);
        c.out.write(`  listings: ${Object.entries(a.listings).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}; with errors ${a.listingsWithErrors}; prices held ${a.pricesHeld}\n`);
        c.out.write(`  last push: ${a.lastPushAt ?? 'never'}; jobs: ready ${a.jobs.ready}, running ${a.jobs.running}, dead ${a.jobs.dead}\n`);
        const r = a.lastRun;
        c.out.write(`  last run: ${r ? `#${r.runId} ${r.kind} ${r.state} ${r.done}/${r.total}, drift ${r.drift}${r.error ? `, error: ${r.error}` : ''}` : 'none'}\n`);
      }
      return 0;
    } finally {
      await close();
    }
  },
};
