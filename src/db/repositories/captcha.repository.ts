import type { Db } from '../database.js';
import type { CaptchaChallengesTable } from '../schema.js';

// The one open login captcha of a chat, held as a hash of its answer.

export type CaptchaRow = CaptchaChallengesTable;

/** Stores a chat's challenge, replacing any earlier one (a refresh). */
export async function saveCaptcha(db: Db, row: CaptchaRow): Promise<void> {
  await db
    .insertInto('captcha_challenges')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['channel', 'chat_id']).doUpdateSet({
        answer_hash: row.answer_hash,
        created_at: row.created_at,
        expires_at: row.expires_at,
      }),
    )
    .execute();
}

export function findCaptcha(db: Db, channel: string, chatId: string): Promise<CaptchaRow | undefined> {
  return db
    .selectFrom('captcha_challenges')
    .selectAll()
    .where('channel', '=', channel)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
}

/** Deletes the chat's challenge if its hash is still `answerHash`; false when someone else took it. */
export async function takeCaptcha(db: Db, channel: string, chatId: string, answerHash: string): Promise<boolean> {
  const result = await db
    .deleteFrom('captcha_challenges')
    .where('channel', '=', channel)
    .where('chat_id', '=', chatId)
    .where('answer_hash', '=', answerHash)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Housekeeping: drops challenges that expired at or before `before`; returns how many. */
export async function purgeCaptchasExpiredBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('captcha_challenges').where('expires_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
