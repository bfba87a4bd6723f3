import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

export const webConfigSchema = z.object({
  /** How long a long-poll request waits for new messages before answering empty. */
  WEB_LONG_POLL_MS: z.coerce.number().int().min(1000).max(60_000).default(25_000),
  /** Messages one chat (browser token) may send per minute; a third of it at once. */
  WEB_SEND_PER_MINUTE: z.coerce.number().int().min(3).max(6000).default(60),
  /** Messages all chats from one client address may send per minute (campus NAT: many students). */
  WEB_SEND_PER_MINUTE_PER_ADDRESS: z.coerce.number().int().min(3).max(60_000).default(600),
  /** A web conversation untouched this long is deleted with its messages (its session expired long ago). */
  WEB_CHAT_IDLE_HOURS: z.coerce.number().positive().default(24),
  /** Chat bubbles older than this are deleted, in every chat. */
  WEB_MESSAGE_RETENTION_DAYS: z.coerce.number().positive().default(7),
});

export type WebConfig = z.infer<typeof webConfigSchema>;

export function loadWebConfig(env: Record<string, string | undefined>): WebConfig {
  return parseSettings(webConfigSchema, env, 'web chat configuration');
}
