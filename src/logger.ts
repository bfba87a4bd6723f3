import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Field names whose values must never reach a log line.
const REDACT = [
  'password', '*.password', 'oldPassword', '*.oldPassword', 'newPassword', '*.newPassword',
  'token', '*.token', 'secret', '*.secret', 'resetLink', '*.resetLink', 'link', '*.link',
  'authorization', '*.authorization', 'headers.authorization', 'phone', '*.phone',
];

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'feebot' } }, destination);
}
