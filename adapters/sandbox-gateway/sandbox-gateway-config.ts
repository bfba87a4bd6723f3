import { z } from 'zod';
import type { Db } from '../../src/db/database.js';
import type { ReturnLinks } from '../../src/http/return-links.js';
import type { Logger } from '../../src/logger.js';
import { parseSettings } from '../../src/settings.js';

/** Retry delays after a failed delivery (ms): 1 s, 5 s, 15 s, 1 min, 5 min, 15 min, then give up. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [1000, 5000, 15000, 60000, 300000, 900000];

/** Only the logger methods the sandbox uses, so tests can pass a tiny recorder. */
export type SandboxLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface SandboxGatewayOptions {
  db: Db;
  /** HMAC secret shared with whoever verifies the notifications (feebot itself). */
  secret: string;
  /** Origin the student's browser reaches feebot on, e.g. `https://fees.example.edu`. */
  publicBaseUrl: string;
  /** Where paid/failed notifications are POSTed. */
  notifyUrl: string;
  retryScheduleMs?: number[];
  fetch?: typeof fetch;
  clock?: () => number;
  logger?: SandboxLogger;
  /** 收款单位 shown on the pages (UNIVERSITY_NAME). */
  payee?: string;
  /** Links back to the conversation on the result pages. */
  returnLinks?: ReturnLinks;
}

export interface SandboxGatewayConfig {
  db: Db;
  secret: string;
  publicBaseUrl: string;
  notifyUrl: string;
  retryScheduleMs: readonly number[];
  fetch: typeof fetch;
  clock: () => number;
  logger: SandboxLogger;
  payee: string | undefined;
  returnLinks: ReturnLinks;
}

const schema = z.object({
  secret: z.string().min(16, 'sandbox gateway secret must be at least 16 characters'),
  publicBaseUrl: z.string().url(),
  notifyUrl: z.string().url(),
  retryScheduleMs: z.array(z.number().int().min(0)).max(50).optional(),
});

const noop = (): void => undefined;
const silentLogger: SandboxLogger = { info: noop, warn: noop, error: noop };

/** Validates the options once at start-up so a bad URL or short secret fails loudly, not at pay time. */
export function resolveSandboxConfig(options: SandboxGatewayOptions): SandboxGatewayConfig {
  parseSettings(schema, options, 'sandbox gateway configuration');
  return {
    db: options.db,
    secret: options.secret,
    publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, ''),
    notifyUrl: options.notifyUrl,
    retryScheduleMs: [...(options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS)],
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    clock: options.clock ?? Date.now,
    logger: options.logger ?? silentLogger,
    payee: options.payee,
    returnLinks: options.returnLinks ?? (() => []),
  };
}
