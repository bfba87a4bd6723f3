export type { Mailer, MailMessage } from './mailer.port.js';
export { createMailer, type FeebotMailer, type MailerOptions } from './mailer.js';
export { createSmtpMailer, type SmtpMailer } from './smtp-mailer.js';
export { createDevMailbox, redactSecrets, type DevMail, type DevMailbox } from './dev-mailbox.js';
export { loadMailConfig, mailDelivery, DEFAULT_MAIL_FROM, UNDELIVERABLE_MAIL_MESSAGE, type MailConfig } from './mail-config.js';
export * from './mail-templates.js';
