import { z } from 'zod';

// Mail settings, listed with their defaults in .env.example:
//   SMTP_URL   optional, e.g. smtp://user:pass@mail.example.edu:587 or smtps://…:465.
//              Unset: mail is kept in the dev mailbox (/dev/mailbox) and logged with links redacted.
//   MAIL_FROM  default `feebot <no-reply@localhost>`.

export const DEFAULT_MAIL_FROM = 'feebot <no-reply@localhost>';

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const schema = z.object({
  SMTP_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.preprocess(blankToUndefined, z.string().min(3).default(DEFAULT_MAIL_FROM)),
});

export interface MailConfig {
  smtpUrl?: string;
  from: string;
}

export function loadMailConfig(env: Record<string, string | undefined> = process.env): MailConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Messages only: the value of SMTP_URL may hold a password.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid mail configuration: ${problems}`);
  }
  const { SMTP_URL, MAIL_FROM } = parsed.data;
  return SMTP_URL ? { smtpUrl: SMTP_URL, from: MAIL_FROM } : { from: MAIL_FROM };
}
