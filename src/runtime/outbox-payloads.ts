import type { Command } from '../engine/commands.js';
import type { Lang } from '../engine/state.js';
import type { View } from '../engine/views.js';
import type { ChannelName } from '../ports/channel.port.js';
import type { StaffEvent } from '../ports/staff.port.js';
import type { EventWithoutTime } from './command-runner.js';

/** Payload shape of each outbox entry kind. */
export interface OutboxPayloads {
  deliver: { channel: ChannelName; chatId: string; view: View; freshMenu: boolean };
  delete: { channel: ChannelName; chatId: string; messageId: string };
  event: { channel: ChannelName; chatId: string; event: EventWithoutTime };
  command: { channel: ChannelName; chatId: string; command: Command; lang: Lang };
  receipt: { orderId: string };
  /** A fact for the finance office (src/ports/staff.port.ts). */
  staff: { event: StaffEvent };
}

export type OutboxKind = keyof OutboxPayloads;

/** All deliveries to one chat share a lane, so they are sent one at a time and in order. */
export function chatLane(channel: string, chatId: string): string {
  return `chat:${channel}:${chatId}`;
}
