import type { Db } from '../database.js';
import type { LoginProofsTable } from '../schema.js';

// A first login with a fixed initial password waiting for proof of identity; one per chat.

export type LoginProofRow = Omit<LoginProofsTable, 'attempts'> & { attempts: number };

/** Starts (or restarts, with no attempts) the chat's pending proof. */
export async function saveLoginProof(db: Db, proof: Omit<LoginProofRow, 'attempts'>): Promise<void> {
  await db
    .insertInto('login_proofs')
    .values({ ...proof, attempts: 0 })
    .onConflict((oc) =>
      oc.columns(['channel', 'chat_id']).doUpdateSet({
        student_id: proof.student_id,
        method: proof.method,
        code_hash: proof.code_hash,
        attempts: 0,
        created_at: proof.created_at,
        expires_at: proof.expires_at,
      }),
    )
    .execute();
}

export function findLoginProof(db: Db, channel: string, chatId: string): Promise<LoginProofRow | undefined> {
  return db.selectFrom('login_proofs').selectAll().where('channel', '=', channel).where('chat_id', '=', chatId).executeTakeFirst();
}

/** Adds one wrong answer; returns the new count. */
export async function addLoginProofAttempt(db: Db, channel: string, chatId: string): Promise<number> {
  await db
    .updateTable('login_proofs')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('channel', '=', channel)
    .where('chat_id', '=', chatId)
    .execute();
  return (await findLoginProof(db, channel, chatId))?.attempts ?? 0;
}

export async function deleteLoginProof(db: Db, channel: string, chatId: string): Promise<void> {
  await db.deleteFrom('login_proofs').where('channel', '=', channel).where('chat_id', '=', chatId).execute();
}

/** Housekeeping: drops proofs that expired at or before `before`; returns how many. */
export async function purgeLoginProofsExpiredBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('login_proofs').where('expires_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
