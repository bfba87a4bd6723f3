import { z } from 'zod';
import { parseSettings } from '../settings.js';

// Mail settings, listed with their defaults in .env.example:
//   SMTP_URL     optional, e.g. smtp://user:pass@mail.example.edu:587 or smtps://…:465.
//   DEV_MAILBOX  true|false; default true in `feebot demo`, false otherwise. Without SMTP_URL, mail
//                is kept in the dev mailbox (/dev/mailbox, unauthenticated: it shows live reset
//                links) and logged with links redacted. Without both, feebot refuses to start.
//   MAIL_FROM    default `feebot <no-reply@localhost>`.

export const DEFAULT_MAIL_FROM = 'feebot <no-reply@localhost>';

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const schema = z.object({
  SMTP_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.preprocess(blankToUndefined, z.string().min(3).default(DEFAULT_MAIL_FROM)),
  DEV_MAILBOX: z.preprocess(blankToUndefined, z.enum(['true', 'false']).optional()),
});

export interface MailConfig {
  smtpUrl?: string;
  from: string;
  /** DEV_MAILBOX as set; unset means "only in the demo". */
  devMailbox?: boolean;
}

export function loadMailConfig(env: Record<string, string | undefined> = process.env): MailConfig {
  const { SMTP_URL, MAIL_FROM, DEV_MAILBOX } = parseSettings(schema, env, 'mail configuration');
  return {
    from: MAIL_FROM,
    ...(SMTP_URL ? { smtpUrl: SMTP_URL } : {}),
    ...(DEV_MAILBOX ? { devMailbox: DEV_MAILBOX === 'true' } : {}),
  };
}

export const UNDELIVERABLE_MAIL_MESSAGE =
  'SMTP_URL is not set and DEV_MAILBOX is not true: password-reset links and e-mail codes could not be delivered. ' +
  'Set SMTP_URL to your mail server, or DEV_MAILBOX=true for development only (it serves every mail, reset links included, unauthenticated at /dev/mailbox).';

/**
 * How mail leaves: through SMTP when SMTP_URL is set; otherwise into the dev mailbox, which is
 * allowed only in the demo or with DEV_MAILBOX=true. Throws when mail would be undeliverable.
 */
export function mailDelivery(config: MailConfig, demo: boolean): 'smtp' | 'devMailbox' {
  if (config.smtpUrl) return 'smtp';
  if (config.devMailbox ?? demo) return 'devMailbox';
  throw new Error(UNDELIVERABLE_MAIL_MESSAGE);
}
