import type { Db } from '../db/database.js';
import { findCaptcha, purgeCaptchasExpiredBefore, saveCaptcha, takeCaptcha } from '../db/repositories/captcha.repository.js';
import { generateCaptcha, type Captcha } from './captcha.js';
import { hashShortSecret, normalizeTypedCode, verifyShortSecret } from './secret-hash.js';

// One open captcha per chat: issued after repeated login failures, answered before the next
// password try. Only a salted hash of the answer is stored; any answer consumes the challenge.

const MINUTE = 60_000;

export interface CaptchaServiceDeps {
  db: Db;
  clock?: () => number;
  ttlMs?: number;
  /** Tests may inject a known captcha. */
  generate?: () => Captcha;
}

export interface CaptchaService {
  /** Issues (or refreshes) the chat's challenge; returns the picture. */
  issue(channel: string, chatId: string): Promise<{ pngBase64: string }>;
  /** Case-insensitive; single use: right or wrong, the challenge is gone afterwards. */
  verify(channel: string, chatId: string, answer: string): Promise<boolean>;
  /** Whether the chat has an unexpired challenge. */
  has(channel: string, chatId: string): Promise<boolean>;
  purgeExpired(now: number): Promise<void>;
}

const normalizeAnswer = (answer: string): string => normalizeTypedCode(answer).toUpperCase();

export function createCaptchaService(deps: CaptchaServiceDeps): CaptchaService {
  const { db, clock = Date.now, ttlMs = 5 * MINUTE, generate = () => generateCaptcha() } = deps;
  return {
    async issue(channel, chatId) {
      const now = clock();
      const { answer, png } = generate();
      await saveCaptcha(db, { channel, chat_id: chatId, answer_hash: hashShortSecret(normalizeAnswer(answer)), created_at: now, expires_at: now + ttlMs });
      return { pngBase64: png.toString('base64') };
    },

    async verify(channel, chatId, answer) {
      const now = clock();
      const row = await findCaptcha(db, channel, chatId);
      if (!row) return false;
      // Take it first: of two concurrent answers only the one that deletes the row is judged.
      if (!(await takeCaptcha(db, channel, chatId, row.answer_hash))) return false;
      if (row.expires_at <= now) return false;
      return verifyShortSecret(normalizeAnswer(answer), row.answer_hash);
    },

    async has(channel, chatId) {
      const row = await findCaptcha(db, channel, chatId);
      return row !== undefined && row.expires_at > clock();
    },

    async purgeExpired(now) {
      await purgeCaptchasExpiredBefore(db, now);
    },
  };
}
