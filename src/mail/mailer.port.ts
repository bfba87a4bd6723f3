// The one thing the core asks of e-mail. Adapters: SMTP (smtp-mailer.ts) and the dev mailbox.

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Resolves once the message is accepted for delivery; rejects on an I/O fault. */
  send(msg: MailMessage): Promise<void>;
}
