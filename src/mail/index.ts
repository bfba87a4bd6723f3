export type { Mailer, MailMessage } from './mailer.port.js';
export { createMailer, type FeebotMailer, type MailerOptions } from './mailer.js';
export { createSmtpMailer, type SmtpMailer } from './smtp-mailer.js';
export { createDevMailbox, redactSecrets, type DevMail, type DevMailbox } from './dev-mailbox.js';
export { loadMailConfig, DEFAULT_MAIL_FROM, type MailConfig } from './mail-config.js';
export * from './mail-templates.js';
