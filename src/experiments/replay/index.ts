/** Replay planning: the what-if simulator behind `coldbench plan replay` (docs/sweep.md). */
export { simulate } from './simulate.js';
export type { IdleModel, PlatformModel, Simulation, Tally } from './simulate.js';
export { planCost, PROVISIONED_DURATION_X86_PER_GB_SECOND, PROVISIONED_X86_PER_GB_SECOND } from './cost.js';
export type { PlanCost } from './cost.js';
export { DISTRIBUTION_RUNS, planReplay } from './plan.js';
export type { FunctionTiming, PlanInput, PlanOption, ReplayPlan } from './plan.js';
export { functionTiming } from './timing.js';
export { renderPlan } from './render.js';
