import { z } from 'zod';
import { parseSettings } from '../settings.js';
import type { LoginLimits } from './login-attempts.service.js';

// Login limits per source and the password-check queue, listed with their defaults in .env.example:
//   LOGIN_SOURCE_MAX_FAILURES   failed logins from one source (client address, Telegram user) within
//                               15 minutes after which that source's chats need a captcha (10).
//   LOGIN_SOURCE_MAX_STUDENTS   distinct 学号 failing or logging in with the initial password from one
//                               source within 15 minutes → captcha for that source (5).
//   PASSWORD_QUEUE_PER_SOURCE   password checks one source may have waiting; more get "busy" (4).
//   PASSWORD_QUEUE_MAX          password checks waiting from all sources together (32).

const count = (fallback: number) => z.coerce.number().int().min(1).max(10_000).default(fallback);

const schema = z.object({
  LOGIN_SOURCE_MAX_FAILURES: count(10),
  LOGIN_SOURCE_MAX_STUDENTS: count(5),
  PASSWORD_QUEUE_PER_SOURCE: count(4),
  PASSWORD_QUEUE_MAX: count(32),
});

export interface LoginLimitsConfig {
  limits: Pick<LoginLimits, 'sourceChallengeAfter' | 'sourceMaxStudents'>;
  queue: { maxWaitingPerSource: number; maxWaiting: number };
}

export function loadLoginLimitsConfig(env: Record<string, string | undefined> = process.env): LoginLimitsConfig {
  const c = parseSettings(schema, env, 'login limits');
  return {
    limits: { sourceChallengeAfter: c.LOGIN_SOURCE_MAX_FAILURES, sourceMaxStudents: c.LOGIN_SOURCE_MAX_STUDENTS },
    queue: { maxWaitingPerSource: c.PASSWORD_QUEUE_PER_SOURCE, maxWaiting: c.PASSWORD_QUEUE_MAX },
  };
}
