import { rawRows } from '../db/raw';
import { queueDepthByQueue, requeueDead } from '../sync/queue/maintenance';
import { checkArgs, option, positionals, usageError } from './args';
import type { CliCommand } from './types';

/**
 * meschain jobs [--queue <name>]            jobs per queue and state, and the latest dead jobs with why
 * meschain jobs retry-dead [--queue <name>]  give every dead job (of the queue) another run
 */
export const jobsCommand: CliCommand = {
  name: 'jobs',
  usage: ['jobs [--queue <name>]                 queue state: jobs per queue and state, recent dead jobs', 'jobs retry-dead [--queue <name>]      run dead jobs again'],
  async run(c) {
    const spec = { options: ['queue'], positionals: 1 };
    const bad = checkArgs(c.args, spec);
    if (bad) return usageError(c.err, 'jobs', bad);
    const [sub] = positionals(c.args, spec);
    if (sub !== undefined && sub !== 'retry-dead') return usageError(c.err, 'jobs', `unknown sub-command '${sub}' (retry-dead)`);
    const queue = option(c.args, 'queue');
    if (sub === 'retry-dead') {
      const dead = await rawRows<{ id: number }>(c.knex, `SELECT id FROM meschain_jobs WHERE state = 'dead'${queue ? ' AND queue = ?' : ''}`, queue ? [queue] : []);
      const n = await requeueDead(c.knex, dead.map((d) => Number(d.id)));
      c.out.write(`${n} dead job${n === 1 ? '' : 's'} queued again\n`);
      return 0;
    }
    const depth = await queueDepthByQueue(c.knex);
    const names = Object.keys(depth).filter((q) => !queue || q === queue).sort();
    if (names.length === 0) {
      c.out.write('no jobs / iş yok\n');
      return 0;
    }
    c.out.write(`${'queue'.padEnd(24)} ${'ready'.padStart(8)} ${'running'.padStart(8)} ${'done'.padStart(8)} ${'dead'.padStart(8)}\n`);
    for (const q of names) {
      const d = depth[q]!;
      c.out.write(`${q.padEnd(24)} ${String(d.ready).padStart(8)} ${String(d.running).padStart(8)} ${String(d.done).padStart(8)} ${String(d.dead).padStart(8)}\n`);
    }
    const dead = await rawRows<{ id: number; queue: string; type: string; attempts: number; last_error: string | null; finished_at: string }>(
      c.knex,
      `SELECT id, queue, type, attempts, last_error, finished_at FROM meschain_jobs WHERE state = 'dead'${queue ? ' AND queue = ?' : ''} ORDER BY finished_at DESC LIMIT 10`,
      queue ? [queue] : [],
    );
    if (dead.length) {
      c.out.write('\nlatest dead jobs (meschain jobs retry-dead to run them again):\n');
      for (const d of dead) c.out.write(`  #${d.id} ${d.queue} ${d.type} after ${d.attempts} attempts at ${d.finished_at}: ${(d.last_error ?? '').slice(0, 200)}\n`);
    }
    return 0;
  },
};
