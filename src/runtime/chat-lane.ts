/** All deliveries to one chat share a lane, so they are sent one at a time and in order. */
export function chatLane(channel: string, chatId: string): string {
  return `chat:${channel}:${chatId}`;
}
