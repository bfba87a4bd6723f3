import type { EngineEvent } from '../engine/events.js';
import type { Lang } from '../engine/state.js';

/** An engine event before the dispatcher stamps it with the time it is handled. */
export type EventWithoutTime = EngineEvent extends infer E ? (E extends { at: number } ? Omit<E, 'at'> : never) : never;

export interface CommandContext {
  channel: string;
  chatId: string;
  now: number;
  /** The conversation's language (for mails). */
  lang: Lang;
  /** Stable across retries of one request (the outbox entry), for idempotent side effects. */
  requestKey?: string;
  /** The inbound request's source (see InboundUpdate.source), for commands run inline. */
  source?: string;
}
