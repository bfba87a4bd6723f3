import { MAX_TEXT_BYTES } from './wechat-render.js';

// The 5-second rule, between the inbound request and the transport. While a follower's request is
// open, the outbox's deliveries to that chat are offered here first: text that still fits the one
// passive reply is taken into it (and stored, so a retry of the request gets the same answer),
// and the outbox marks it done; anything else (a picture, too much text) closes the window at once
// so the passive part is answered first, and then goes through the customer-service API. Deliveries
// therefore leave exactly once and in order. In memory: an instance only catches its own outbox's
// deliveries; one caught by another instance simply goes through the API.

export interface PassiveWindow {
  readonly openid: string;
  readonly replyKey: string;
  /** Resolves when the transport wants the request answered now (it has something that does not fit). */
  readonly flushRequested: Promise<void>;
}

interface OpenWindow extends PassiveWindow {
  text: string;
  closed: boolean;
  inFlight: Promise<unknown>;
  requestFlush(): void;
  markAnswered(): void;
  answered: Promise<void>;
}

export interface PassiveBroker {
  /** Opens the chat's window for one request; null when another request of the chat holds it. */
  open(openid: string, replyKey: string): PassiveWindow | null;
  /**
   * Offers a delivery's text to the chat's open window. True: it is in the passive reply (after
   * `persist` stored the reply so far). False: send it through the API (after any passive answer).
   */
  offer(openid: string, text: string | null, persist: (replyKey: string, reply: string) => Promise<void>): Promise<boolean>;
  /** Stops taking offers, waits for those under way; returns the reply text ('' when none). */
  close(window: PassiveWindow): Promise<string>;
  /** The HTTP answer is on its way: deliveries held back for it may go. */
  answered(window: PassiveWindow): void;
}

const SEPARATOR = '\n\n';

export function createPassiveBroker(): PassiveBroker {
  const windows = new Map<string, OpenWindow>();

  return {
    open(openid, replyKey) {
      if (windows.has(openid)) return null;
      let requestFlush: () => void = () => undefined;
      let markAnswered: () => void = () => undefined;
      const flushRequested = new Promise<void>((resolve) => (requestFlush = resolve));
      const answered = new Promise<void>((resolve) => (markAnswered = resolve));
      const window: OpenWindow = { openid, replyKey, flushRequested, text: '', closed: false, inFlight: Promise.resolve(), requestFlush, markAnswered, answered };
      windows.set(openid, window);
      return window;
    },

    async offer(openid, text, persist) {
      const window = windows.get(openid);
      if (!window) return false;
      const joined = text === null ? null : window.text === '' ? text : `${window.text}${SEPARATOR}${text}`;
      if (window.closed || joined === null || Buffer.byteLength(joined, 'utf8') > MAX_TEXT_BYTES) {
        // Whatever was taken already must reach the follower before this: answer first, then send.
        window.requestFlush();
        await window.answered;
        return false;
      }
      const previous = window.text;
      window.text = joined;
      const stored = persist(window.replyKey, joined);
      window.inFlight = Promise.all([window.inFlight, stored.catch(() => undefined)]);
      try {
        await stored;
        return true;
      } catch (error) {
        // Not stored: not taken either. Roll back (nothing was added after it: the lane is sequential).
        if (window.text === joined) window.text = previous;
        throw error;
      }
    },

    async close(handle) {
      const window = windows.get(handle.openid);
      if (!window || window.replyKey !== handle.replyKey) return '';
      window.closed = true;
      await window.inFlight;
      return window.text;
    },

    answered(handle) {
      const window = windows.get(handle.openid);
      if (!window || window.replyKey !== handle.replyKey) return;
      windows.delete(handle.openid);
      window.markAnswered();
    },
  };
}
