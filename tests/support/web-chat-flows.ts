import type { ChatMessage, WebChatClient } from './web-chat-client.js';

// The web chat sequences many tests (and the benchmark) walk through: logging in and placing an
// order. Each step sends one thing and waits for the bubble that answers it.

export type BubbleMatch = (m: ChatMessage) => boolean;

export interface FlowOptions {
  /** Wraps each step (its send and the wait for the answer), e.g. to time it. */
  around?: (work: () => Promise<ChatMessage>) => Promise<ChatMessage>;
  /** How long each wait may take; `waitFor`'s own default when unset. */
  timeoutMs?: number;
}

function stepper(chat: WebChatClient, options: FlowOptions) {
  const around = options.around ?? ((work) => work());
  return (send: () => Promise<unknown>, until: BubbleMatch, timeoutMs = options.timeoutMs) =>
    around(async () => {
      await send();
      return chat.waitFor(until, timeoutMs);
    });
}

const hasButton = (m: ChatMessage, pick: (b: ChatMessage['payload']['buttons'][number][number]) => boolean) => m.payload.buttons.flat().some(pick);

export const isHome: BubbleMatch = (m) => m.payload.text.includes('欠费总额');

export interface LoginOptions extends FlowOptions {
  /** The answer to the password to wait for; the home menu (欠费总额) unless given. */
  answer?: BubbleMatch;
}

/** start → 学号 → password; returns the bubble answering the password (the home menu by default). */
export async function login(chat: WebChatClient, studentId: string, password = 'Demo@2026', options: LoginOptions = {}): Promise<ChatMessage> {
  const step = stepper(chat, options);
  await step(() => chat.start(), (m) => m.payload.text.includes('学号'));
  await step(() => chat.text(studentId), (m) => m.payload.input === 'password');
  return step(() => chat.text(password), options.answer ?? isHome);
}

export interface AgreementOptions extends FlowOptions {
  /** How long the 同意 button may take to unlock (AGREEMENT_SECONDS); the step timeout unless given. */
  unlockWithinMs?: number;
}

/** From the home menu: 网上缴费 → 全选 → 下一步; returns the agreement once its 同意 is enabled. */
export async function openAgreement(chat: WebChatClient, options: AgreementOptions = {}): Promise<ChatMessage> {
  const step = stepper(chat, options);
  let menu = await chat.waitFor(isHome, options.timeoutMs);
  menu = await step(() => chat.action(chat.buttonCode(menu, '网上缴费')), (m) => hasButton(m, (b) => b.label.includes('全选')));
  menu = await step(() => chat.action(chat.buttonCode(menu, '全选')), (m) => hasButton(m, (b) => b.label.startsWith('✓')));
  return step(
    () => chat.action(chat.buttonCode(menu, '下一步')),
    (m) => hasButton(m, (b) => 'code' in b && b.label.includes('同意') && !b.disabled),
    options.unlockWithinMs ?? options.timeoutMs,
  );
}

/** From the home menu: select everything, agree (once unlocked), confirm; returns the order id from the pay link. */
export async function placeOrder(chat: WebChatClient, options: AgreementOptions = {}): Promise<string> {
  const step = stepper(chat, options);
  const agreement = await openAgreement(chat, options);
  const confirm = await step(() => chat.action(chat.buttonCode(agreement, '同意')), (m) => hasButton(m, (b) => b.label === '确认'));
  const paying = await step(() => chat.action(chat.buttonCode(confirm, '确认')), (m) => m.payload.imageDataUrl !== undefined);
  return chat.buttonUrl(paying, '去支付').split('/').pop()!;
}
