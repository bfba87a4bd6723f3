import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_EVENTS_PATH = '/slack/events';

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** Set (xapp-…): Socket Mode instead of HTTP. */
  appToken: string | null;
  /** Web API root (tests, proxies); ends with a slash. */
  apiUrl: string;
  /** Where HTTP-mode requests arrive on feebot's own server. */
  eventsPath: string;
  /** Channel id (C…) the bot posts tickets, flagged money and deferrals to. */
  staffChannel: string;
  /** chat.postMessage per channel per second (Slack allows about one). */
  ratePerChannelPerSec: number;
}

const schema = z.object({
  SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-/, 'must be a bot token (xoxb-…)').optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(1).optional(),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-/, 'must be an app-level token (xapp-…)').optional(),
  SLACK_API_URL: z.string().url().default(DEFAULT_SLACK_API_URL),
  SLACK_EVENTS_PATH: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path like /slack/events').default(DEFAULT_EVENTS_PATH),
  SLACK_STAFF_CHANNEL: z.string().trim().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id like C0123456789').optional(),
  SLACK_RATE_PER_CHANNEL_PER_SEC: z.coerce.number().positive().max(10).default(1),
});

/**
 * Reads the SLACK_* variables. Null when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are both unset
 * (no staff channel); a readable Error when Slack is half-configured.
 */
export function loadSlackConfig(env: Record<string, string | undefined> = process.env): SlackConfig | null {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const c = parseSettings(schema, cleaned, 'Slack configuration');
  if (!c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET) return null;
  const missing = [
    !c.SLACK_BOT_TOKEN && 'SLACK_BOT_TOKEN',
    !c.SLACK_SIGNING_SECRET && 'SLACK_SIGNING_SECRET',
    !c.SLACK_STAFF_CHANNEL && 'SLACK_STAFF_CHANNEL',
  ].filter(Boolean);
  if (missing.length > 0 || !c.SLACK_BOT_TOKEN || !c.SLACK_SIGNING_SECRET || !c.SLACK_STAFF_CHANNEL) {
    throw new Error(`Invalid Slack configuration: ${missing.join(', ')} required when Slack is enabled`);
  }
  return {
    botToken: c.SLACK_BOT_TOKEN,
    signingSecret: c.SLACK_SIGNING_SECRET,
    appToken: c.SLACK_APP_TOKEN ?? null,
    apiUrl: c.SLACK_API_URL.endsWith('/') ? c.SLACK_API_URL : `${c.SLACK_API_URL}/`,
    eventsPath: c.SLACK_EVENTS_PATH,
    staffChannel: c.SLACK_STAFF_CHANNEL,
    ratePerChannelPerSec: c.SLACK_RATE_PER_CHANNEL_PER_SEC,
  };
}
