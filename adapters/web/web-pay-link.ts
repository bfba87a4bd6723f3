import type { Hono } from 'hono';
import type { Db } from '../../src/db/database.js';
import { findConversation } from '../../src/db/repositories/conversation.repository.js';
import { claimPayLink, prunePayLinkUses } from '../../src/db/repositories/pay-link.repository.js';
import { PAY_LINK_TTL_MS, verifyPayLinkToken } from '../../src/dunning/pay-link-token.js';
import type { Lang } from '../../src/engine/state.js';
import { clientAddress } from '../../src/http/client-address.js';
import { createRateLimiter } from '../../src/http/rate-limiter.js';
import type { Dispatcher } from '../../src/runtime/inbound.js';
import { chatIdOf } from './web-inbound.js';
import type { WebTransport } from './web-transport.js';

// A reminder's signed 网上缴费 link (`/?paylink=<token>`): the page posts the token here with its chat
// token. A good, unused link for this chat's student (or a chat nobody is logged in to) is recorded
// as used and steers the chat to that student's login — the 学号 entered for them, the password
// still theirs to type — and then straight to 网上缴费. Anything else says why and shows the normal
// start screen, changing nothing.

type Refusal = 'used' | 'expired' | 'tampered' | 'otherStudent';

const REFUSED: Record<Lang, Record<Refusal, string>> = {
  'zh-CN': {
    used: '此缴费链接已使用过，不能再次使用。请登录后在菜单中选择【网上缴费】。',
    expired: '此缴费链接已过期。请登录后在菜单中选择【网上缴费】。',
    tampered: '此缴费链接无效。请登录后在菜单中选择【网上缴费】。',
    otherStudent: '此缴费链接是发给另一位同学的，本聊天已登录其他学号，未作任何更改。如需使用，请先退出登录。',
  },
  en: {
    used: 'This payment link has been used already. Log in and choose Pay online from the menu.',
    expired: 'This payment link has expired. Log in and choose Pay online from the menu.',
    tampered: 'This payment link is not valid. Log in and choose Pay online from the menu.',
    otherStudent: 'This payment link was sent to another student and this chat is logged in to a different student ID; nothing was changed. Log out first to use it.',
  },
};

export const PAY_LINK_PATH = '/api/chat/pay-link';

function chatState(stateJson: string | undefined): { studentId: string | null; lang: Lang | null } {
  if (!stateJson) return { studentId: null, lang: null };
  const state = JSON.parse(stateJson) as { lang?: string; session?: { studentId?: string } | null };
  return { studentId: state.session?.studentId ?? null, lang: state.lang === 'en' || state.lang === 'zh-CN' ? state.lang : null };
}

/** Whether the chat waits for a 学号 now, and whether 网上缴费 follows the login. */
async function loginStep(db: Db, chatId: string): Promise<{ loggedOut: boolean; nextPay: boolean }> {
  const stored = await findConversation(db, 'web', chatId);
  const state = stored ? (JSON.parse(stored.stateJson) as { session?: unknown; step?: { name?: string; next?: string } }) : null;
  return { loggedOut: !!state && !state.session && state.step?.name === 'login.studentId', nextPay: state?.step?.next === 'pay' };
}

export function mountWebPayLink(app: Hono, deps: { db: Db; dispatcher: Dispatcher; transport: WebTransport; secret: string; clock: () => number }): void {
  // Guessing tokens is hopeless (HMAC), but each try costs a database read and a dispatch.
  const perAddress = createRateLimiter({ perMinute: 20, burst: 5 });
  app.post(PAY_LINK_PATH, async (c) => {
    const chatId = chatIdOf(c);
    if (!chatId) return c.json({ error: 'missing or malformed x-chat-token' }, 401);
    const now = deps.clock();
    const address = clientAddress(c);
    if (!perAddress.take(address, now).ok) return c.json({ error: 'RATE_LIMITED' }, 429);
    const body = (await c.req.json().catch(() => null)) as { token?: unknown; lang?: unknown } | null;
    const token = typeof body?.token === 'string' ? body.token.slice(0, 256) : '';
    const hint: Lang = body?.lang === 'en' ? 'en' : 'zh-CN';
    const chat = chatState((await findConversation(deps.db, 'web', chatId))?.stateJson);
    const base = { channel: 'web' as const, chatId, languageHint: hint, source: `ip:${address}` };

    const verdict = verifyPayLinkToken(deps.secret, token, now);
    let refusal: Refusal | null = verdict.ok ? null : verdict.reason;
    if (verdict.ok && chat.studentId && chat.studentId !== verdict.studentId) refusal = 'otherStudent';
    if (verdict.ok && !refusal && !(await claimPayLink(deps.db, verdict.key, verdict.studentId, now))) refusal = 'used';

    if (refusal || !verdict.ok) {
      const lang = chat.lang ?? hint;
      const text = REFUSED[lang][refusal ?? 'tampered'];
      await deps.transport.transport.deliver({ channel: 'web', chatId, view: { placement: 'message', text, buttons: [] }, menuMessageId: null });
      await deps.dispatcher.dispatch({ ...base, updateId: `${chatId}:paylink-refused:${now}`, event: { kind: 'start' } });
      return c.json({ ok: false, reason: refusal });
    }
    const updateId = `${chatId}:paylink:${verdict.key}`;
    await deps.dispatcher.dispatch({ ...base, updateId, event: { kind: 'start', payload: 'pay' } });
    // Not logged in (or the session had timed out, which that start only ended): the login step asks
    // for the 学号 and the link's student is entered, so their password (and any captcha) comes
    // next, then 网上缴费. Logged in as them: already there.
    let after = await loginStep(deps.db, chatId);
    if (after.loggedOut && !after.nextPay) {
      await deps.dispatcher.dispatch({ ...base, updateId: `${updateId}:again`, event: { kind: 'start', payload: 'pay' } });
      after = await loginStep(deps.db, chatId);
    }
    if (after.loggedOut) await deps.dispatcher.dispatch({ ...base, updateId: `${updateId}:id`, event: { kind: 'text', text: verdict.studentId } });
    return c.json({ ok: true });
  });
}

/** A use older than any link's lifetime is no longer needed: such a link is refused as expired. */
export async function prunePayLinks(db: Db, now: number): Promise<void> {
  await prunePayLinkUses(db, now - PAY_LINK_TTL_MS);
}
