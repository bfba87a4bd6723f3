import type { Db } from '../../src/db/database.js';
import { findChatLang } from '../../src/db/repositories/conversation.repository.js';
import { LANGS } from '../../src/engine/i18n/index.js';
import type { Lang } from '../../src/engine/state.js';

// What the finance office's actions say to a student, in the language the student last used in
// that chat (the office writes its own words; only the frame around them is translated).

const TEXTS = {
  'zh-CN': {
    studentReply: (text: string) => `【财务处回复】\n${text}`,
    studentResolved: (note: string) => `【财务处】您报告的问题已处理：${note}`,
  },
  en: {
    studentReply: (text: string) => `[Finance office reply]\n${text}`,
    studentResolved: (note: string) => `[Finance office] The problem you reported has been handled: ${note}`,
  },
} as const satisfies Record<Lang, unknown>;

export type StudentTexts = (typeof TEXTS)[Lang];

/** The chat's last language; zh-CN when the chat has none (never logged in, state unreadable). */
export async function chatLang(db: Db, channel: string, chatId: string): Promise<Lang> {
  const lang = await findChatLang(db, channel, chatId);
  return LANGS.find((l) => l === lang) ?? 'zh-CN';
}

export function studentTexts(lang: Lang): StudentTexts {
  return TEXTS[lang];
}
