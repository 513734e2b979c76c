/** The change pump: meschain_change_log → coalesced changes → planner → jobs, one transaction per batch. */
export * from './changes';
export { createPassThroughPlanner, type ChangePlanner, type PlanContext, type PassThroughOptions } from './planner';
export { pumpOnce, ChangePump, DEFAULT_PUMP_BATCH, type PumpResult, type PumpOnceOptions, type ChangePumpOptions, type PumpStatus } from './pump';
export { combinePlanners } from './combine';
export { requestReplan } from './replan';
