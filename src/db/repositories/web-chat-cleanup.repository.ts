import { chatLanes } from '../../runtime/chat-lane.js';
import { inTransaction, type Db } from '../database.js';

// Web chats cost nothing to start (a random token in the browser), so their rows must not live
// forever: idle conversations go with everything keyed by their chat, and old bubbles go.

const BATCH = 500;

const lanesOf = (chatId: string): string[] => chatLanes('web', chatId);

/**
 * Deletes web conversations not touched since `idleBefore`, with their stored messages, their chat
 * row and their finished outbox entries (pending ones are left to run). One transaction per batch;
 * a conversation used again since it was picked is kept. Returns how many conversations went.
 */
export async function pruneIdleWebChats(db: Db, idleBefore: number): Promise<number> {
  let total = 0;
  for (;;) {
    const pruned = await inTransaction(db, async (tx) => {
      const idle = await tx
        .selectFrom('conversations')
        .select('chat_id')
        .where('channel', '=', 'web')
        .where('updated_at', '<', idleBefore)
        .limit(BATCH)
        .execute();
      const chatIds = idle.map((r) => r.chat_id);
      if (chatIds.length === 0) return 0;
      await tx.deleteFrom('conversations').where('channel', '=', 'web').where('chat_id', 'in', chatIds).where('updated_at', '<', idleBefore).execute();
      await tx.deleteFrom('web_messages').where('chat_id', 'in', chatIds).execute();
      await tx.deleteFrom('channel_chats').where('channel', '=', 'web').where('chat_id', 'in', chatIds).execute();
      await tx.deleteFrom('outbox').where('lane', 'in', chatIds.flatMap(lanesOf)).where('status', 'in', ['done', 'dead']).execute();
      return chatIds.length;
    });
    total += pruned;
    if (pruned < BATCH) return total;
  }
}

/** Deletes web chat bubbles stored before `before`, in every chat. Returns how many. */
export async function pruneOldWebMessages(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('web_messages').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
