import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

export const webConfigSchema = z.object({
  /** How long a long-poll request waits for new messages before answering empty. */
  WEB_LONG_POLL_MS: z.coerce.number().int().min(1000).max(60_000).default(25_000),
});

export type WebConfig = z.infer<typeof webConfigSchema>;

export function loadWebConfig(env: Record<string, string | undefined>): WebConfig {
  return parseSettings(webConfigSchema, env, 'web chat configuration');
}
