import { inTransaction, type Db } from '../database.js';

export interface StoredWebMessage {
  id: number;
  key: string;
  payload: unknown;
}

export async function appendWebMessage(db: Db, chatId: string, key: string, payload: unknown, now: number): Promise<number> {
  const row = await db
    .insertInto('web_messages')
    .values({ chat_id: chatId, message_key: key, payload_json: JSON.stringify(payload), created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listWebMessagesAfter(db: Db, chatId: string, afterId: number, limit = 100): Promise<StoredWebMessage[]> {
  const rows = await db
    .selectFrom('web_messages')
    .select(['id', 'message_key', 'payload_json'])
    .where('chat_id', '=', chatId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, key: r.message_key, payload: JSON.parse(r.payload_json) as unknown }));
}

/** The row that tells an open page to clear its log; what came before it is deleted. */
export const WEB_CLEAR_MARKER = { clear: true } as const;

/**
 * Deletes the chat's stored messages and leaves one clear marker, in one transaction: a page that
 * polls after it clears its screen, and a reload finds nothing from before. Idempotent.
 */
export async function clearWebMessages(db: Db, chatId: string, key: string, now: number): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.deleteFrom('web_messages').where('chat_id', '=', chatId).execute();
    await tx
      .insertInto('web_messages')
      .values({ chat_id: chatId, message_key: key, payload_json: JSON.stringify(WEB_CLEAR_MARKER), created_at: now })
      .execute();
  });
}
