import type { ChangePlanner } from './planner';

/** One planner that runs several in turn inside the pump's transaction and concatenates their jobs. */
export function combinePlanners(planners: readonly ChangePlanner[]): ChangePlanner {
  return {
    async plan(changes, ctx) {
      const out = [];
      for (const p of planners) out.push(...(await p.plan(changes, ctx)));
      return out;
    },
  };
}
