import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxLogger } from '../../adapters/sandbox-gateway/index.js';
import { createSandboxNotifier, type SandboxNotifier } from '../../adapters/sandbox-gateway/sandbox-notifier.js';
import { verifySandboxNotification } from '../../adapters/sandbox-gateway/sandbox-signature.js';
import { headerRecord, SECRET, sleep, startNotifyServer, type NotifyServer } from './sandbox-harness.js';

const notification = { transactionId: 'SBXABC', orderId: 'ORD-9', amount: 100, status: 'paid', paidAt: 1 } as const;

function recordingLogger(): SandboxLogger & { lines: string[] } {
  const lines: string[] = [];
  const record = (obj: unknown, msg?: string) => { lines.push(JSON.stringify({ obj, msg })); };
  return { lines, info: record, warn: record, error: record } as SandboxLogger & { lines: string[] };
}

describe('sandbox notifier', () => {
  let server: NotifyServer | undefined;
  let notifier: SandboxNotifier | undefined;
  afterEach(async () => {
    notifier?.stop();
    await server?.close();
  });

  function make(schedule: number[], logger = recordingLogger(), fetchImpl: typeof fetch = fetch): SandboxNotifier {
    notifier = createSandboxNotifier({ secret: SECRET, retryScheduleMs: schedule, fetch: fetchImpl, clock: Date.now, logger });
    return notifier;
  }

  it('resolves true when the first attempt is accepted and sends nothing more', async () => {
    server = await startNotifyServer();
    expect(await make([20, 20]).notify(server.url, notification)).toBe(true);
    await sleep(100);
    expect(server.deliveries).toHaveLength(1);
    expect(verifySandboxNotification(SECRET, server.deliveries[0]!.body, headerRecord(server.deliveries[0]!.headers), Date.now())).toEqual(notification);
  });

  it('gives up after the last scheduled retry, logging without secrets', async () => {
    server = await startNotifyServer([500, 500, 500, 500, 500]);
    const logger = recordingLogger();
    expect(await make([20, 20], logger).notify(server.url, notification)).toBe(false);
    await server.waitFor(3);
    await sleep(150);
    expect(server.deliveries).toHaveLength(3);
    expect(logger.lines.at(-1)).toContain('giving up');
    const signatures = server.deliveries.map((d) => String(d.headers['x-sandbox-signature']));
    for (const line of logger.lines) {
      expect(line).not.toContain(SECRET);
      for (const s of signatures) expect(line).not.toContain(s);
    }
  });

  it('retries after a network error', async () => {
    server = await startNotifyServer();
    let calls = 0;
    const flaky: typeof fetch = (input, init) => {
      calls += 1;
      return calls === 1 ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    };
    expect(await make([20], recordingLogger(), flaky).notify(server.url, notification)).toBe(false);
    await server.waitFor(1);
    expect(calls).toBe(2);
  });

  it('stop() cancels pending retries', async () => {
    server = await startNotifyServer([500, 500, 500]);
    const n = make([50, 50, 50]);
    await n.notify(server.url, notification);
    n.stop();
    await sleep(250);
    expect(server.deliveries).toHaveLength(1);
  });
});
