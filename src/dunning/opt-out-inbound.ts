import type { Db } from '../db/database.js';
import { findConversation } from '../db/repositories/conversation.repository.js';
import { isInboundUpdateRecorded, recordInboundUpdate } from '../db/repositories/inbound-update.repository.js';
import type { RuntimeDispatcher } from '../runtime/dispatcher.js';
import { setOptOut } from './opt-out.js';

// Replying 退订 / stop to a reminder stops all reminders at once (audited), in any step of the
// conversation, before the engine sees the text. Other texts, and chats nobody is logged in to, pass on.

const STOP = /^\/?(退订|stop|unsubscribe|td)$/i;

const ANSWER = {
  'zh-CN': '已为您退订缴费提醒，今后不再发送。如需恢复，请在 设置 → 提醒设置 中开启。',
  en: 'You are unsubscribed from fee reminders and will receive no more. To turn them back on: Settings → Reminder settings.',
} as const;

function studentOf(stateJson: string): { studentId: string; lang: 'zh-CN' | 'en' } | null {
  const state = JSON.parse(stateJson) as { lang?: string; session?: { studentId?: string } | null };
  const studentId = state.session?.studentId;
  return studentId ? { studentId, lang: state.lang === 'en' ? 'en' : 'zh-CN' } : null;
}

export function withReminderOptOut(inner: RuntimeDispatcher, deps: { db: Db; clock: () => number }): RuntimeDispatcher {
  return {
    ...inner,
    async dispatch(update) {
      if (update.event.kind !== 'text' || !STOP.test(update.event.text.trim())) return inner.dispatch(update);
      const conversation = await findConversation(deps.db, update.channel, update.chatId);
      const who = conversation ? studentOf(conversation.stateJson) : null;
      if (!who) return inner.dispatch(update);
      if (update.updateId && (await isInboundUpdateRecorded(deps.db, update.channel, update.updateId))) return { duplicate: true, acks: [] };
      await setOptOut(deps.db, { studentId: who.studentId, scope: 'all', optedOut: true, via: { channel: update.channel, chatId: update.chatId }, now: deps.clock() });
      if (update.updateId) await recordInboundUpdate(deps.db, update.channel, update.updateId, deps.clock());
      await inner.deliverMessage(update.channel, update.chatId, ANSWER[who.lang]);
      return { duplicate: false, acks: [] };
    },
  };
}
