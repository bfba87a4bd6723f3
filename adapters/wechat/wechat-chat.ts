import type { Db } from '../../src/db/database.js';
import { findConversation } from '../../src/db/repositories/conversation.repository.js';
import type { Lang } from '../../src/engine/state.js';

/** What the adapter needs to know of a follower's conversation: language, login, the current step. */
export interface WechatChatView {
  lang: Lang;
  studentId: string | null;
  step: string | null;
}

/** Read-only look at the stored conversation (the dispatcher owns it; a missing one is a new chat). */
export async function loadChatView(db: Db, openid: string): Promise<WechatChatView> {
  const stored = await findConversation(db, 'wechat', openid);
  if (!stored) return { lang: 'zh-CN', studentId: null, step: null };
  try {
    const state = JSON.parse(stored.stateJson) as { lang?: unknown; session?: { studentId?: unknown } | null; step?: { name?: unknown } };
    return {
      lang: state.lang === 'en' ? 'en' : 'zh-CN',
      studentId: typeof state.session?.studentId === 'string' ? state.session.studentId : null,
      step: typeof state.step?.name === 'string' ? state.step.name : null,
    };
  } catch {
    return { lang: 'zh-CN', studentId: null, step: null };
  }
}

/** Steps where the engine would take the next text as a password: never in WeChat. */
export function expectsPassword(step: string | null): boolean {
  return step === 'login.password' || step === 'password.old' || step === 'password.new' || step === 'password.confirm';
}
