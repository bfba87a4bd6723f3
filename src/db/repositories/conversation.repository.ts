import { sql } from 'kysely';
import type { Db } from '../database.js';
import { affectedRows, prepared } from '../prepared.js';

export interface StoredConversation {
  stateVersion: number;
  revision: number;
  stateJson: string;
}

const selectConversation = prepared((db, a: { channel: string; chatId: string }) =>
  db.selectFrom('conversations').select(['state_version', 'revision', 'state_json']).where('channel', '=', a.channel).where('chat_id', '=', a.chatId),
);

export async function findConversation(db: Db, channel: string, chatId: string): Promise<StoredConversation | undefined> {
  const row = (await selectConversation(db, { channel, chatId })).rows[0];
  return row && { stateVersion: row.state_version, revision: row.revision, stateJson: row.state_json };
}

// One statement for the three reads an update starts with: was it handled already, the chat's
// conversation, and whether the chat was marked unreachable. The one-row `x` keeps a row when
// none exists.
const selectConversationUnlessHandled = prepared((db, a: { channel: string; chatId: string; updateId: string | null }) =>
  db
    .selectFrom(sql<{ one: number }>`(select 1 as one)`.as('x'))
    .leftJoin('inbound_updates as u', (j) => j.on('u.channel', '=', a.channel).on('u.update_id', '=', a.updateId))
    .leftJoin('conversations as c', (j) => j.on('c.channel', '=', a.channel).on('c.chat_id', '=', a.chatId))
    .leftJoin('channel_chats as h', (j) => j.on('h.channel', '=', a.channel).on('h.chat_id', '=', a.chatId))
    .select(['u.update_id', 'c.state_version', 'c.revision', 'c.state_json', 'h.active']),
);

export type ConversationRead = { handled: true } | { handled: false; conversation: StoredConversation | undefined; chatInactive: boolean };

/**
 * The chat's conversation and whether its chat is marked inactive (channel_chats), or `handled`
 * when the platform update `updateId` was recorded already (a redelivery, to be ignored).
 */
export async function findConversationUnlessHandled(db: Db, channel: string, chatId: string, updateId: string | undefined): Promise<ConversationRead> {
  const row = (await selectConversationUnlessHandled(db, { channel, chatId, updateId: updateId ?? null })).rows[0]!;
  if (row.update_id !== null) return { handled: true };
  const conversation = row.revision === null ? undefined : { stateVersion: row.state_version!, revision: row.revision, stateJson: row.state_json! };
  return { handled: false, conversation, chatInactive: row.active === 0 };
}

type ConversationValues = { channel: string; chatId: string; stateVersion: number; stateJson: string; studentId: string | null; now: number };
const insertConversation = prepared((db, a: ConversationValues) =>
  db
    .insertInto('conversations')
    .values({ channel: a.channel, chat_id: a.chatId, revision: 1, state_version: a.stateVersion, state_json: a.stateJson, student_id: a.studentId, updated_at: a.now })
    .onConflict((oc) => oc.columns(['channel', 'chat_id']).doNothing()),
);
const updateConversation = prepared((db, a: ConversationValues & { revision: number; expectedRevision: number }) =>
  db
    .updateTable('conversations')
    .set({ state_version: a.stateVersion, state_json: a.stateJson, student_id: a.studentId, updated_at: a.now, revision: a.revision })
    .where('channel', '=', a.channel)
    .where('chat_id', '=', a.chatId)
    .where('revision', '=', a.expectedRevision),
);

/**
 * Saves a conversation if nobody else saved it since `expectedRevision` was read (0 = new).
 * Returns false on a lost race, so the caller reloads and retries.
 */
export async function saveConversation(
  db: Db,
  row: { channel: string; chatId: string; stateVersion: number; stateJson: string; studentId: string | null; expectedRevision: number; now: number },
): Promise<boolean> {
  if (row.expectedRevision === 0) return affectedRows(await insertConversation(db, row)) === 1;
  return affectedRows(await updateConversation(db, { ...row, revision: row.expectedRevision + 1 })) === 1;
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
