import type { Logger } from '../logger.js';
import { createDevMailbox, type DevMailbox } from './dev-mailbox.js';
import type { Mailer } from './mailer.port.js';
import { createSmtpMailer } from './smtp-mailer.js';

export interface MailerOptions {
  smtpUrl?: string;
  from: string;
  logger: Logger;
}

export interface FeebotMailer extends Mailer {
  /** Present only without an SMTP URL; mount /dev/mailbox on it. */
  devMailbox?: DevMailbox;
  close(): void;
}

/** SMTP when `smtpUrl` is set, otherwise the in-memory dev mailbox. */
export function createMailer(options: MailerOptions): FeebotMailer {
  if (options.smtpUrl) {
    const smtp = createSmtpMailer({ url: options.smtpUrl, from: options.from, logger: options.logger });
    return { send: (msg) => smtp.send(msg), close: () => smtp.close() };
  }
  options.logger.warn('SMTP_URL is not set: mail goes to the dev mailbox at /dev/mailbox and is not delivered');
  const devMailbox = createDevMailbox({ logger: options.logger });
  return { send: (msg) => devMailbox.send(msg), devMailbox, close: () => undefined };
}
