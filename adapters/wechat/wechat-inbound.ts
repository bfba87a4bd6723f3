import { createHash } from 'node:crypto';
import type { Db } from '../../src/db/database.js';
import { countUnfinishedChatWork, findPassiveReply, forgetWechatUser, prunePassiveReplies, touchWechatUser } from '../../src/db/repositories/wechat.repository.js';
import { parseTextCommand } from '../../src/engine/text-commands.js';
import type { Logger } from '../../src/logger.js';
import type { Dispatcher, InboundUpdate } from '../../src/runtime/inbound.js';
import { expectsPassword, loadChatView } from './wechat-chat.js';
import { CLICK_COMMANDS } from './wechat-menu.js';
import type { PassiveBroker } from './wechat-passive.js';
import { link } from './wechat-render.js';
import { WECHAT_TEXTS } from './wechat-texts.js';
import type { WechatMessage } from './wechat-xml.js';

const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
const POLL_MS = 20;
/** Stored passive replies are only for WeChat's retries (within ~15 s); older ones are deleted. */
const PASSIVE_REPLY_KEEP_MS = 5 * 60_000;

/** What one verified message asks for. Pure result of `parseWechatMessage`'s output. */
export type WechatInbound =
  | { kind: 'dispatch'; update: InboundUpdate }
  | { kind: 'unsubscribe'; openid: string }
  /** A picture, voice, location…: answered with a hint, not dispatched. */
  | { kind: 'unsupported'; openid: string }
  | { kind: 'ignore' };

/**
 * The dedupe key WeChat's docs give: MsgId, or for events FromUserName + CreateTime. CreateTime is
 * in seconds, so the event and its key are added: a retry repeats them, while a subscription and a
 * menu click in the same second are two events.
 */
export function updateIdOf(message: WechatMessage): string {
  if (message.msgType !== 'event' && message.msgId !== undefined) return message.msgId;
  const key = `ev:${message.fromUserName}:${message.createTime}:${message.event ?? message.msgType}:${message.eventKey ?? ''}`;
  // inbound_updates.update_id holds 128 characters.
  return key.length <= 128 ? key : `ev:${createHash('sha256').update(key).digest('hex')}`;
}

function startPayload(eventKey: string | undefined): string | undefined {
  // A parameterised QR code: `qrscene_pay` when scanned while not following, `pay` when following.
  const payload = eventKey?.replace(/^qrscene_/, '');
  return payload && START_PAYLOAD.test(payload) ? payload : undefined;
}

export function parseWechatInbound(message: WechatMessage): WechatInbound {
  const openid = message.fromUserName;
  const base = { channel: 'wechat' as const, chatId: openid, updateId: updateIdOf(message), source: `wechat:${openid}` };
  if (message.msgType === 'text') {
    return { kind: 'dispatch', update: { ...base, event: { kind: 'text', text: message.content ?? '' }, ...(message.msgId ? { inboundMessageId: message.msgId } : {}) } };
  }
  if (message.msgType !== 'event') return { kind: 'unsupported', openid };
  switch (message.event?.toLowerCase()) {
    case 'subscribe':
    case 'scan': {
      const payload = startPayload(message.eventKey);
      return { kind: 'dispatch', update: { ...base, event: payload ? { kind: 'start', payload } : { kind: 'start' } } };
    }
    case 'unsubscribe':
      return { kind: 'unsubscribe', openid };
    case 'click': {
      const command = message.eventKey === undefined ? undefined : CLICK_COMMANDS[message.eventKey];
      return command ? { kind: 'dispatch', update: { ...base, event: { kind: 'text', text: command } } } : { kind: 'ignore' };
    }
    // VIEW (a menu link opened), TEMPLATESENDJOBFINISH (a template's delivery report), LOCATION…
    default:
      return { kind: 'ignore' };
  }
}

export interface MessageHandlerDeps {
  db: Db;
  dispatcher: () => Dispatcher;
  broker: PassiveBroker;
  /** Wall-clock budget for a passive reply (WeChat waits 5 s). */
  replyBudgetMs: number;
  bindUrl: (openid: string, now: number) => string;
  webUrl: string;
  clock: () => number;
  logger: Logger;
}

/**
 * Handles one verified message; returns the passive reply text, or null to answer `success` (the
 * answer then comes through the customer-service API). Never throws for a message's content.
 */
export function createMessageHandler(deps: MessageHandlerDeps): (message: WechatMessage) => Promise<string | null> {
  const { db, broker, logger } = deps;
  let prunedAt = 0;

  /** Dispatches, and waits up to the budget for this chat's outbox work to be taken into the reply. */
  async function dispatchWithin(update: InboundUpdate): Promise<string | null> {
    const started = performance.now();
    const openid = update.chatId;
    const replyKey = update.updateId as string;
    const window = broker.open(openid, replyKey);
    let settled = false;
    let duplicate = false;
    let flush = false;
    const dispatching = deps
      .dispatcher()
      .dispatch(update)
      .then((outcome) => void (duplicate = outcome.duplicate))
      .catch((error: unknown) => logger.error({ channel: 'wechat', err: error instanceof Error ? error.message : String(error) }, 'wechat message failed in dispatcher'))
      .finally(() => void (settled = true));
    void window?.flushRequested.then(() => void (flush = true));
    try {
      for (;;) {
        const left = deps.replyBudgetMs - (performance.now() - started);
        if (left <= 0 || flush) break;
        // Once dispatched, only the sleep and a flush wake the loop (a settled promise would spin it).
        const sleep = new Promise((r) => setTimeout(r, Math.min(POLL_MS, left)));
        await Promise.race(settled ? [window?.flushRequested, sleep] : [dispatching, window?.flushRequested, sleep]);
        if (settled && (duplicate || !window || (await countUnfinishedChatWork(db, openid)) === 0)) break;
      }
      const text = window ? await broker.close(window) : '';
      // WeChat retries a request whose answer it did not get: answer it as the first time.
      if (text === '' && duplicate) return await findPassiveReply(db, replyKey);
      return text === '' ? null : text;
    } finally {
      // Deliveries held back for this answer go once it is written.
      if (window) setTimeout(() => broker.answered(window), 0);
    }
  }

  return async (message) => {
    const parsed = parseWechatInbound(message);
    const now = deps.clock();
    if (now - prunedAt > PASSIVE_REPLY_KEEP_MS) {
      prunedAt = now;
      await prunePassiveReplies(db, now - PASSIVE_REPLY_KEEP_MS);
    }
    switch (parsed.kind) {
      case 'ignore':
        return null;
      case 'unsubscribe':
        await forgetWechatUser(db, parsed.openid);
        logger.info({ channel: 'wechat' }, 'wechat follower unsubscribed: binding and chat data deleted');
        return null;
      case 'unsupported': {
        await touchWechatUser(db, parsed.openid, now);
        return WECHAT_TEXTS[(await loadChatView(db, parsed.openid)).lang].textOnly;
      }
      case 'dispatch': {
        const { update } = parsed;
        // Any message, menu click or subscription opens the 48-hour customer-service window.
        await touchWechatUser(db, update.chatId, now);
        if (update.event.kind === 'text') {
          const chat = await loadChatView(db, update.chatId);
          const text = update.event.text;
          if (expectsPassword(chat.step)) {
            // The engine would take this as a password: WeChat never gives one. Commands still work.
            if (!parseTextCommand(text, false)) {
              const t = WECHAT_TEXTS[chat.lang];
              const target = chat.studentId ? link(t.webLink, deps.webUrl) : link(t.bindLink, deps.bindUrl(update.chatId, now));
              return `${t.noPasswordHere}\n${target}`;
            }
            if (!text.trim().startsWith('/')) update.event = { kind: 'text', text: `/${text.trim()}` };
          }
        }
        return dispatchWithin(update);
      }
    }
  };
}
