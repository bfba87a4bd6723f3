/** All deliveries to one chat share a lane, so they are sent one at a time and in order. */
export function chatLane(channel: string, chatId: string): string {
  return `chat:${channel}:${chatId}`;
}

/**
 * Every outbox lane that belongs to one chat: its deliveries, its timers (agreement unlock,
 * revocation), its idle timer and its commands. Code that forgets a chat must clear all of them.
 */
export function chatLanes(channel: string, chatId: string): string[] {
  const lane = chatLane(channel, chatId);
  return [lane, `timer:${lane}`, `idle:${lane}`, `cmd:${lane}`];
}
