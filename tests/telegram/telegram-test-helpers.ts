import type { TelegramLogger } from '../../adapters/telegram/telegram-api.js';
import type { TelegramConfig } from '../../adapters/telegram/telegram-config.js';
import type { DispatchOutcome, Dispatcher, InboundUpdate } from '../../src/runtime/inbound.js';

export const silentLogger: TelegramLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function testConfig(apiRoot: string, token: string, over: Partial<TelegramConfig> = {}): TelegramConfig {
  return { token, apiRoot, webhook: null, ratePerChatPerSec: 100, rateGlobalPerSec: 1000, handlerTimeoutMs: 9000, ...over };
}

/**
 * Stand-in for the runtime dispatcher (an interface, not our DB): records what arrives and, like
 * the real one, treats a repeated updateId as a duplicate.
 */
export function createRecordingDispatcher(acks: DispatchOutcome['acks'] = []) {
  const received: InboundUpdate[] = [];
  const processed: InboundUpdate[] = [];
  const seen = new Set<string>();
  const waiters: (() => void)[] = [];
  const dispatcher: Dispatcher & { received: InboundUpdate[]; processed: InboundUpdate[]; next(): Promise<void> } = {
    received,
    processed,
    async dispatch(update) {
      received.push(update);
      waiters.splice(0).forEach((wake) => wake());
      if (update.updateId !== undefined) {
        if (seen.has(update.updateId)) return { duplicate: true, acks: [] };
        seen.add(update.updateId);
      }
      processed.push(update);
      return { duplicate: false, acks: update.event.kind === 'action' ? acks : [] };
    },
    /** Resolves at the next dispatch call. */
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
  return dispatcher;
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
