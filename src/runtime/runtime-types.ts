// Types shared across src/runtime. Type-only and importing nothing from runtime itself, so the runtime's
// modules depend on this file instead of on each other (they used to form an import cycle).
import type { Command } from '../engine/commands.js';
import type { EngineEvent } from '../engine/events.js';
import type { Lang } from '../engine/state.js';
import type { View } from '../engine/views.js';
import type { ChannelName } from '../ports/channel.port.js';
import type { StaffEvent } from '../ports/staff.port.js';

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

/** Payload shape of each outbox entry kind. */
export interface OutboxPayloads {
  deliver: { channel: ChannelName; chatId: string; view: View; freshMenu: boolean };
  delete: { channel: ChannelName; chatId: string; messageId: string };
  /** The student typed below the menu: whatever menu comes next is a new message under the answer. */
  detach: { channel: ChannelName; chatId: string };
  /** Forget the chat's history (a session ended): see ChannelTransport.clearHistory. */
  clear: { channel: ChannelName; chatId: string };
  event: { channel: ChannelName; chatId: string; event: EventWithoutTime };
  command: { channel: ChannelName; chatId: string; command: Command; lang: Lang };
  receipt: { orderId: string };
  /** A fact for the finance office (src/ports/staff.port.ts). */
  staff: { event: StaffEvent };
}

export type OutboxKind = keyof OutboxPayloads;

/** Executes one engine command; the answer is the next event for the conversation (or none). */
export type CommandRunner = (command: Command, ctx: CommandContext) => Promise<EventWithoutTime | null>;
