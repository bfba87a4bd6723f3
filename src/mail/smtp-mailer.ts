import { createRequire } from 'node:module';
import type * as Nodemailer from 'nodemailer';
import { maskEmail } from '../ledger/ledger-facts.js';
import type { Logger } from '../logger.js';
import type { Mailer } from './mailer.port.js';

// Sends through the SMTP server of SMTP_URL. Logs who and what, never the body (it holds links and codes).

export interface SmtpMailerOptions {
  url: string;
  from: string;
  logger: Logger;
}

export interface SmtpMailer extends Mailer {
  close(): void;
}

// nodemailer (~6 MB) loads with the first mail, not at start: most of a server's life sends none.
const requireModule = createRequire(import.meta.url);

export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  let transport: Nodemailer.Transporter | null = null;
  const open = (): Nodemailer.Transporter => (transport ??= (requireModule('nodemailer') as typeof Nodemailer).createTransport({
    url: options.url,
    // Fail within seconds rather than nodemailer's minutes, so callers can retry.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Our messages carry no attachments: refuse file and URL reads outright.
    disableFileAccess: true,
    disableUrlAccess: true,
  }));
  return {
    async send(msg) {
      const info = await open().sendMail({ from: options.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html, ...(msg.messageId ? { messageId: msg.messageId } : {}), ...(msg.headers ? { headers: msg.headers } : {}) });
      options.logger.info({ to: maskEmail(msg.to), subject: msg.subject, messageId: info.messageId }, 'mail sent');
    },
    close() {
      transport?.close();
    },
  };
}
