import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWebConfig } from '../../adapters/web/index.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, openAgreement } from '../support/web-chat-flows.js';

// Settings reach the running app: the agreement file, the idle timeout, and /healthz's answer when
// the database is gone.

let app: TestFeebot | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('configured behaviour', () => {
  it('shows the agreement from AGREEMENT_FILE (BOM stripped) before a payment', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'feebot-agreement-')), 'agreement.txt');
    writeFileSync(file, '\uFEFF某某大学网上缴费协议（2026版）\n第一条 ……');
    app = await startTestFeebot({ AGREEMENT_FILE: file, AGREEMENT_SECONDS: '0' });
    const chat = createWebChatClient(app.baseUrl);
    await login(chat, '2024020201');
    const agreement = await openAgreement(chat);
    expect(agreement.payload.text).toContain('某某大学网上缴费协议（2026版）');
    expect(agreement.payload.text).not.toContain('\uFEFF');
    expect(agreement.payload.text).not.toContain('缴入学校财政专户'); // the built-in text is replaced
  });

  it('ends a session idle for IDLE_TIMEOUT_MINUTES and says so on the next message', async () => {
    let now = Date.now();
    app = await startTestFeebot({ IDLE_TIMEOUT_MINUTES: '5' }, { clock: () => now });
    const chat = createWebChatClient(app.baseUrl);
    await login(chat, '2024020201');
    // 4 idle minutes: still logged in (only bubbles after this point count).
    chat.forget();
    now += 4 * 60_000;
    await chat.text('menu');
    await chat.waitFor((m) => m.payload.text.includes('欠费总额'));
    expect(chat.all().map((m) => m.payload.text).join('\n')).not.toContain('会话已超时');
    chat.forget();
    now += 5 * 60_000 + 1_000;
    await chat.text('menu');
    const answer = await chat.waitFor((m) => m.payload.text.includes('学号'));
    expect(chat.all().map((m) => m.payload.text).join('\n')).toContain('会话已超时，请重新登录');
    expect(answer.payload.text).not.toContain('欠费总额');
  });

  it('answers /healthz 503 when the database cannot be reached', async () => {
    app = await startTestFeebot();
    expect((await app.feebot.app.request('/healthz')).status).toBe(200);
    await app.feebot.db.destroy();
    const res = await app.feebot.app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded', db: 'unreachable' });
  });

  it('refuses a bad WEB_LONG_POLL_MS with a message naming it', () => {
    expect(() => loadWebConfig({ WEB_LONG_POLL_MS: 'soon' })).toThrow(/Invalid web chat configuration: WEB_LONG_POLL_MS/);
  });
});
