import type { Db } from '../database.js';

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
