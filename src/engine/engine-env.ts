import type { ActionOp } from './action-codec.js';
import type { EngineConfig, Facts } from './facts.js';
import type { Step } from './state.js';

/** Everything a transition may read besides the state: the facts, the config and the event's time. */
export interface EngineEnv {
  facts: Facts;
  config: EngineConfig;
  /** The event's `at` (epoch ms): the engine's only clock. */
  at: number;
}

/** A decoded, current (rev-checked) button action. */
export interface UserAction {
  op: ActionOp;
  arg: string;
}

export type StepOf<N extends Step['name']> = Extract<Step, { name: N }>;
