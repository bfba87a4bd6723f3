import type { Db } from '../database.js';
import { prepared } from '../prepared.js';

export interface ChannelChat {
  menuMessageId: string | null;
  /** A message or a typed answer went below the menu message: the next menu is a new message. */
  menuDetached: boolean;
  /** The progress notice shown last (正在发送…), which the next view replaces. */
  progressMessageId: string | null;
  active: boolean;
}

const selectChannelChat = prepared((db, a: { channel: string; chatId: string }) =>
  db.selectFrom('channel_chats').select(['menu_message_id', 'menu_detached', 'progress_message_id', 'active']).where('channel', '=', a.channel).where('chat_id', '=', a.chatId),
);

export async function findChannelChat(db: Db, channel: string, chatId: string): Promise<ChannelChat> {
  const row = (await selectChannelChat(db, { channel, chatId })).rows[0];
  return { menuMessageId: row?.menu_message_id ?? null, menuDetached: row?.menu_detached === 1,
    progressMessageId: row?.progress_message_id ?? null,
    active: row ? row.active === 1 : true };
}

export async function updateChannelChat(
  db: Db,
  channel: string,
  chatId: string,
  change: { menuMessageId?: string | null; menuDetached?: boolean; progressMessageId?: string | null; active?: boolean },
  now: number,
): Promise<void> {
  const set = {
    ...(change.menuMessageId !== undefined ? { menu_message_id: change.menuMessageId } : {}),
    ...(change.menuDetached !== undefined ? { menu_detached: change.menuDetached ? 1 : 0 } : {}),
    ...(change.progressMessageId !== undefined ? { progress_message_id: change.progressMessageId } : {}),
    ...(change.active !== undefined ? { active: change.active ? 1 : 0 } : {}),
    updated_at: now,
  };
  await db
    .insertInto('channel_chats')
    .values({
      channel,
      chat_id: chatId,
      menu_message_id: change.menuMessageId ?? null,
      menu_detached: change.menuDetached ? 1 : 0,
      progress_message_id: change.progressMessageId ?? null,
      active: change.active === false ? 0 : 1,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['channel', 'chat_id']).doUpdateSet(set))
    .execute();
}
