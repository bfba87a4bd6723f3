import { z } from 'zod';
import { loadBranding, type Branding } from './branding.js';
import { parseInitialPasswordPolicy } from './accounts/initial-password.js';
import { parseTrustedProxies } from './http/client-address.js';
import { parseSettings } from './settings.js';

// Every variable here is listed, with its default, in .env.example and the README table.
const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.string().url().optional(),
  // Reverse proxies whose X-Forwarded-For is believed (addresses / CIDRs); none by default.
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),
  DATABASE_URL: z.string().default('./data/feebot.db'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DEMO_DATABASE_URL: z.string().default('./data/demo.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TIMEZONE: z.string().default('Asia/Shanghai'),
  DEFAULT_LANGUAGE: z.enum(['zh-CN', 'en']).default('zh-CN'),
  ORDER_EXPIRY_MINUTES: z.coerce.number().positive().default(30),
  IDLE_TIMEOUT_MINUTES: z.coerce.number().positive().default(30),
  AGREEMENT_SECONDS: z.coerce.number().min(0).default(10),
  AGREEMENT_FILE: z.string().optional(),
  // A fixed value, or one of the known @ policies: a typo such as `@studentID` must stop the start.
  INITIAL_PASSWORD: z
    .string()
    .default('123456')
    .superRefine((value, ctx) => {
      try {
        parseInitialPasswordPolicy(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),
  SANDBOX_GATEWAY_SECRET: z.string().min(16).default('sandbox-secret-change-me-0123456789'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(200),
  LEASE_SECONDS: z.coerce.number().positive().max(600).default(15),
  OUTBOX_LEASE_SECONDS: z.coerce.number().positive().max(3600).default(60),
});

export type Config = z.infer<typeof schema> & { publicBaseUrl: string; branding: Branding };

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const c = parseSettings(schema, env, 'configuration');
  const publicBaseUrl = (c.PUBLIC_BASE_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/$/, '');
  // UNIVERSITY_NAME, FINANCE_OFFICE_* and the logo: src/branding.ts.
  return { ...c, publicBaseUrl, branding: loadBranding(env) };
}
