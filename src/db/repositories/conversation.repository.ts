import type { Db } from '../database.js';

export interface StoredConversation {
  stateVersion: number;
  revision: number;
  stateJson: string;
}

export async function findConversation(db: Db, channel: string, chatId: string): Promise<StoredConversation | undefined> {
  const row = await db
    .selectFrom('conversations')
    .select(['state_version', 'revision', 'state_json'])
    .where('channel', '=', channel)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
  return row && { stateVersion: row.state_version, revision: row.revision, stateJson: row.state_json };
}

/**
 * Saves a conversation if nobody else saved it since `expectedRevision` was read (0 = new).
 * Returns false on a lost race, so the caller reloads and retries.
 */
export async function saveConversation(
  db: Db,
  row: { channel: string; chatId: string; stateVersion: number; stateJson: string; studentId: string | null; expectedRevision: number; now: number },
): Promise<boolean> {
  const values = { state_version: row.stateVersion, state_json: row.stateJson, student_id: row.studentId, updated_at: row.now };
  if (row.expectedRevision === 0) {
    const inserted = await db
      .insertInto('conversations')
      .values({ channel: row.channel, chat_id: row.chatId, revision: 1, ...values })
      .onConflict((oc) => oc.columns(['channel', 'chat_id']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const updated = await db
    .updateTable('conversations')
    .set({ ...values, revision: row.expectedRevision + 1 })
    .where('channel', '=', row.channel)
    .where('chat_id', '=', row.chatId)
    .where('revision', '=', row.expectedRevision)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Conversations currently logged in as this student (for ending other sessions). */
export function listConversationsOfStudent(db: Db, studentId: string): Promise<{ channel: string; chat_id: string }[]> {
  return db.selectFrom('conversations').select(['channel', 'chat_id']).where('student_id', '=', studentId).execute();
}

/**
 * The language a chat last used (its conversation state's `lang`), or null when the chat has no
 * conversation or its state cannot be read. Staff replies to a student are written in it.
 */
export async function findChatLang(db: Db, channel: string, chatId: string): Promise<string | null> {
  const row = await db.selectFrom('conversations').select('state_json').where('channel', '=', channel).where('chat_id', '=', chatId).executeTakeFirst();
  if (!row) return null;
  try {
    const lang = (JSON.parse(row.state_json) as { lang?: unknown }).lang;
    return typeof lang === 'string' ? lang : null;
  } catch {
    return null;
  }
}
