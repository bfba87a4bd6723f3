import type { Branding } from '../branding.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/index.js';
import { createAccounts } from './accounts.service.js';
import { createAudit } from './audit.service.js';
import type { Captcha } from './captcha.js';
import { createCaptchaService } from './captcha.service.js';
import { createEmailChanges } from './email-change.service.js';
import type { InitialPasswordSetting } from './initial-password.js';
import type { LoginLimits } from './login-attempts.service.js';
import { createLoginGuard } from './login-guard.service.js';
import { createLoginProofs } from './login-proof.service.js';
import type { PasswordHasher } from './password-hasher.js';
import { createPasswordResets } from './password-reset.service.js';
import { createResetPreview } from './reset-preview.js';
import { setOptOut, type OptOutInput } from '../dunning/opt-out.js';

export interface AccountServicesDeps {
  db: Db;
  hasher: PasswordHasher;
  mailer: Mailer;
  initialPasswordPolicy: InitialPasswordSetting;
  publicBaseUrl: string;
  timezone: string;
  clock: () => number;
  logger: Logger;
  /** Tests pass a captcha with a known answer. */
  captchaGenerator?: () => Captcha;
  /** Captcha, lockout and per-source limits (defaults: DEFAULT_LOGIN_LIMITS). */
  loginLimits?: Partial<LoginLimits>;
  /** After a reset by e-mail: end every session of the student. */
  onPasswordReset: (studentId: string) => Promise<void>;
  /** UNIVERSITY_NAME and the finance office, in mail subjects and signatures (default: the demo's). */
  branding?: Branding;
}

/** Every account service, built once over one database and mailer. */
export function createAccountServices(deps: AccountServicesDeps) {
  const { db, hasher, mailer, clock, logger, timezone } = deps;
  const branding = deps.branding ? { branding: deps.branding } : {};
  const accounts = createAccounts({ db, hasher, initialPasswordPolicy: deps.initialPasswordPolicy, ...(deps.loginLimits ? { limits: deps.loginLimits } : {}) });
  const audit = createAudit({ db, clock, timezone });
  const captcha = createCaptchaService({ db, clock, ...(deps.captchaGenerator ? { generate: deps.captchaGenerator } : {}) });
  const proofs = createLoginProofs({ db, mailer, audit, attempts: accounts.attempts, logger, ...branding });
  const resets = createPasswordResets({
    db,
    hasher,
    mailer,
    publicBaseUrl: deps.publicBaseUrl,
    initialPasswordPolicy: deps.initialPasswordPolicy,
    clock,
    logger,
    audit,
    ...branding,
    onPasswordChanged: async (studentId) => {
      await accounts.clearLockout(studentId);
      await deps.onPasswordReset(studentId);
    },
  });
  return {
    accounts,
    audit,
    resets,
    captcha,
    proofs,
    guard: createLoginGuard({ db, accounts, captcha, audit, proofs }),
    emailChanges: createEmailChanges({ db, mailer, clock, audit, logger, timezone, ...branding }),
    maskedRecoveryEmail: createResetPreview(db),
    /** 提醒设置 in the chat: the same audited write as 退订 and the unsubscribe page. */
    setReminderOptOut: (input: OptOutInput) => setOptOut(db, input),
  };
}

export type AccountServices = ReturnType<typeof createAccountServices>;
