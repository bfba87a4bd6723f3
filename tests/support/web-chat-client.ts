import { randomBytes } from 'node:crypto';

export interface ChatMessage {
  id: number;
  key: string;
  payload: {
    text: string;
    buttons: ({ label: string; code: string; disabled: boolean } | { label: string; url: string })[][];
    imageDataUrl?: string;
    input: 'text' | 'password';
    placement: 'menu' | 'message';
  };
}

/**
 * Talks to feebot's web chat endpoints exactly as the page does (send + long poll). Used by the
 * HTTP tests and the benchmark.
 */
export function createWebChatClient(baseUrl: string | (() => string)) {
  // A function picks the instance per request (a fleet behind a load balancer).
  const base = typeof baseUrl === 'string' ? () => baseUrl : baseUrl;
  const token = randomBytes(24).toString('hex');
  const headers = { 'content-type': 'application/json', 'x-chat-token': token };
  let lastId = 0;
  let seq = 0;
  /** Latest version of every bubble, by key, in order of first appearance. */
  const bubbles = new Map<string, ChatMessage>();

  async function send(body: Record<string, string>): Promise<{ acks: { text: string; alert: boolean }[] }> {
    const res = await fetch(`${base()}/api/chat/send`, { method: 'POST', headers, body: JSON.stringify({ id: `m${seq++}-${token.slice(0, 8)}`, ...body }) });
    if (!res.ok) throw new Error(`send failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { acks: { text: string; alert: boolean }[] };
  }

  async function poll(wait: boolean): Promise<ChatMessage[]> {
    const res = await fetch(`${base()}/api/chat/messages?after=${lastId}${wait ? '' : '&wait=0'}`, { headers });
    const body = (await res.json()) as { messages: ChatMessage[] };
    for (const m of body.messages) {
      lastId = m.id;
      // A session ended: the page wipes its log (the marker carries no bubble), and so does this client.
      if ((m.payload as { clear?: boolean }).clear) bubbles.clear();
      else bubbles.set(m.key, m);
    }
    return body.messages.filter((m) => !(m.payload as { clear?: boolean }).clear);
  }

  return {
    /** The browser token (the chat id is its hash). */
    token,
    send,
    start: (payload?: string) => send(payload ? { kind: 'start', payload } : { kind: 'start' }),
    text: (text: string) => send({ kind: 'text', text }),
    action: (code: string) => send({ kind: 'action', code }),
    /** Polls until a bubble (new or edited) satisfies `match`; returns it. */
    async waitFor(match: (m: ChatMessage) => boolean, timeoutMs = 10_000): Promise<ChatMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = [...bubbles.values()].reverse().find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out; last bubbles: ${[...bubbles.values()].slice(-3).map((b) => b.payload.text).join(' | ')}`);
        await poll(true);
      }
    },
    /** The most recent bubble. */
    async latest(): Promise<ChatMessage | undefined> {
      await poll(false);
      return [...bubbles.values()].sort((a, b) => b.id - a.id)[0];
    },
    /** Finds the code of a button by label in a bubble. */
    buttonCode(message: ChatMessage, label: string | RegExp): string {
      for (const row of message.payload.buttons) {
        for (const b of row) {
          if ('code' in b && (typeof label === 'string' ? b.label.includes(label) : label.test(b.label))) return b.code;
        }
      }
      throw new Error(`no button ${String(label)} in: ${message.payload.text}`);
    },
    buttonUrl(message: ChatMessage, label: string | RegExp): string {
      for (const row of message.payload.buttons) {
        for (const b of row) {
          if ('url' in b && (typeof label === 'string' ? b.label.includes(label) : label.test(b.label))) return b.url;
        }
      }
      throw new Error(`no link ${String(label)} in: ${message.payload.text}`);
    },
    /** Every bubble seen so far (latest version of each). */
    all(): ChatMessage[] {
      return [...bubbles.values()];
    },
    forget(): void {
      bubbles.clear();
    },
  };
}

export type WebChatClient = ReturnType<typeof createWebChatClient>;
