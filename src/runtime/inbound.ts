import type { Lang } from '../engine/state.js';
import type { ChannelName } from '../ports/channel.port.js';

/** What a channel's inbound part hands the dispatcher after verifying and parsing a request. */
export interface InboundUpdate {
  channel: ChannelName;
  chatId: string;
  /** Platform update id (Telegram update_id, WeChat MsgId…): duplicates are ignored. */
  updateId?: string;
  event:
    | { kind: 'start'; payload?: string }
    | { kind: 'text'; text: string }
    | { kind: 'action'; code: string };
  /** Id of the inbound message, so the engine may have it deleted (passwords). */
  inboundMessageId?: string;
  /** The user's client language, used only for a new conversation. */
  languageHint?: Lang;
  /**
   * Who is behind the request, beyond this one chat: `ip:<client address>` for the web chat,
   * `telegram:<user id>` for Telegram. Login limits count per source, so fresh chats from one
   * place cannot each start with a clean slate.
   */
  source?: string;
}

export interface DispatchOutcome {
  duplicate: boolean;
  /** Answers to a button press (Telegram answerCallbackQuery); empty for other updates. */
  acks: { text: string; alert: boolean }[];
}

/** Implemented by runtime/dispatcher.ts; adapters depend only on this. */
export interface Dispatcher {
  dispatch(update: InboundUpdate): Promise<DispatchOutcome>;
}
