import { maskEmail } from '../ledger/ledger-facts.js';
import type { Logger } from '../logger.js';
import type { Mailer, MailMessage } from './mailer.port.js';

// Without SMTP_URL, mail is kept here (shown at /dev/mailbox) and logged with its secrets
// redacted, so nothing is silently dropped and no link or code reaches the log.

export interface DevMail extends MailMessage {
  id: number;
  at: number;
}

export interface DevMailbox extends Mailer {
  /** Kept messages, newest first. */
  messages(): readonly DevMail[];
}

export interface DevMailboxOptions {
  logger: Logger;
  capacity?: number;
  clock?: () => number;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// One-time codes in our templates are 6 digits; long token-like runs are redacted too.
const CODE_PATTERN = /(?<![\d])\d{6}(?![\d])/g;
const TOKEN_PATTERN = /[A-Za-z0-9_-]{32,}/g;

/** The text with links, 6-digit codes and token-like strings replaced by markers. */
export function redactSecrets(text: string): string {
  return text.replace(URL_PATTERN, '[link redacted]').replace(TOKEN_PATTERN, '[redacted]').replace(CODE_PATTERN, '[code redacted]');
}

export function createDevMailbox(options: DevMailboxOptions): DevMailbox {
  const { logger, capacity = 50, clock = Date.now } = options;
  const kept: DevMail[] = [];
  let nextId = 1;
  return {
    async send(msg) {
      const mail: DevMail = { ...msg, id: nextId, at: clock() };
      nextId += 1;
      kept.unshift(mail);
      if (kept.length > capacity) kept.length = capacity;
      logger.warn(
        { mailId: mail.id, to: maskEmail(msg.to), subject: msg.subject, body: redactSecrets(msg.text) },
        'mail kept in the dev mailbox (no SMTP_URL): open /dev/mailbox',
      );
    },
    messages() {
      return [...kept];
    },
  };
}
