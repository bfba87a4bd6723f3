import { z } from 'zod';
import { parseSettings } from '../settings.js';

// DUNNING_* settings (listed in .env.example). The policy itself lives in DUNNING_POLICY_FILE (policy.ts).
const schema = z.object({
  // Off by default: turning scheduled reminders on is the finance office's decision.
  DUNNING_ENABLED: z.enum(['true', 'false']).default('false'),
  DUNNING_POLICY_FILE: z.string().optional(),
  // Signs the e-mail unsubscribe links; required when reminders are on.
  DUNNING_LINK_SECRET: z.string().min(16).optional(),
  // The bot's @username: the Telegram reminder's 网上缴费 button is https://t.me/<name>?start=pay.
  TELEGRAM_BOT_USERNAME: z.string().regex(/^[A-Za-z0-9_]{5,32}$/).optional(),
});

export interface DunningConfig {
  enabled: boolean;
  linkSecret: string;
  telegramBotUsername: string | null;
}

export function loadDunningConfig(env: Record<string, string | undefined>, fallbackSecret: string): DunningConfig {
  const c = parseSettings(schema, env, 'dunning configuration');
  const enabled = c.DUNNING_ENABLED === 'true';
  if (enabled && !c.DUNNING_LINK_SECRET) throw new Error('Invalid dunning configuration: DUNNING_LINK_SECRET (16+ characters) is required when DUNNING_ENABLED=true');
  return { enabled, linkSecret: c.DUNNING_LINK_SECRET ?? fallbackSecret, telegramBotUsername: c.TELEGRAM_BOT_USERNAME ?? null };
}
