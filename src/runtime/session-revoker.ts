import { inTransaction, type Db } from '../db/database.js';
import { listConversationsOfStudent } from '../db/repositories/conversation.repository.js';
import { enqueueOutbox } from '../db/repositories/outbox.repository.js';
import type { ChannelName } from '../ports/channel.port.js';
import { chatLane } from './chat-lane.js';
import type { OutboxPayloads } from './runtime-types.js';

/**
 * Ends every logged-in conversation of a student (all chats, all channels) except `keep`, after a
 * password change or reset. Goes through the outbox, so no conversation lock is held while
 * another is taken.
 */
export function createSessionRevoker(deps: { db: Db; clock: () => number; onEnqueued: () => void }) {
  return async function revokeSessions(studentId: string, keep?: { channel: string; chatId: string }): Promise<number> {
    const now = deps.clock();
    const others = (await listConversationsOfStudent(deps.db, studentId)).filter((c) => !(keep && c.channel === keep.channel && c.chat_id === keep.chatId));
    const entries = others.map((c) => {
      const payload: OutboxPayloads['event'] = { channel: c.channel as ChannelName, chatId: c.chat_id, event: { kind: 'session.revoked' } };
      return { lane: `timer:${chatLane(c.channel, c.chat_id)}`, kind: 'event', payload, runAfter: now };
    });
    await inTransaction(deps.db, (tx) => enqueueOutbox(tx, entries, now));
    if (entries.length > 0) deps.onEnqueued();
    return entries.length;
  };
}

export type SessionRevoker = ReturnType<typeof createSessionRevoker>;
