// The one thing the core asks of e-mail. Adapters: SMTP (smtp-mailer.ts) and the dev mailbox.

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Set when the mail is an outbox entry's effect, so a rerun is recognisably the same mail. */
  messageId?: string;
  /** Extra headers (List-Unsubscribe on reminders). */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Resolves once the message is accepted for delivery; rejects on an I/O fault. */
  send(msg: MailMessage): Promise<void>;
}
