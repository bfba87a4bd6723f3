import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOptOut } from '../../src/dunning/opt-out.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';
import { startSlackTestEnv, waitUntil, type SlackTestEnv } from './slack-harness.js';

// /fees dunning shows the reminder policy and the last run; /fees remind honours quiet hours and opt-outs.

let env: SlackTestEnv;
beforeAll(async () => {
  // Quiet the whole day, so the test does not depend on the hour it runs at.
  const file = join(mkdtempSync(join(tmpdir(), 'slack-dunning-')), 'policy.yaml');
  writeFileSync(file, 'quietHours: { start: "00:00", end: "23:59" }\nescalation:\n  afterReminders: 3\n');
  env = await startSlackTestEnv({ DUNNING_POLICY_FILE: file });
}, 30_000);
afterAll(async () => env?.stop());

const response = (id: string) => waitUntil(() => env.slack.responses.find((r) => r.id === id)?.body, `response ${id}`);
const text = (body: unknown) => JSON.stringify(body);

describe('/fees dunning and /fees remind', () => {
  it('shows the policy in force and the last run', async () => {
    await env.command('U0VIEWER', 'dunning', 'dun1');
    const before = text(await response('dun1'));
    expect(before).toContain('未开启');
    expect(before).toContain('0 10 * * 1-5');
    expect(before).toContain('00:00–23:59');
    expect(before).toContain('提醒 3 次仍未缴费转财务处');
    expect(before).toContain('上次运行：无');
    const fired = await env.app.feebot.dunning.service.runNow();
    await env.command('U0VIEWER', 'dunning', 'dun2');
    expect(text(await response('dun2'))).toContain(`上次运行 #${fired!.run.id}`);
  });

  it('remind: refused in quiet hours and for a student who opted out; nothing is sent', async () => {
    const chat = createWebChatClient(env.app.baseUrl);
    await login(chat, '2024020201');
    await env.command('U0OFFICER', 'remind 2024020201', 'rem1');
    expect(text(await response('rem1'))).toContain('免打扰时段');
    await setOptOut(env.app.feebot.db, { studentId: '2024020201', scope: 'all', optedOut: true, via: { channel: 'web', chatId: '-' }, now: Date.now() });
    await env.command('U0OFFICER', 'remind 2024020201', 'rem2');
    expect(text(await response('rem2'))).toMatch(/免打扰时段|已退订/);
    expect(env.slack.views.find((v) => v.view.callback_id === 'student.remind')).toBeUndefined();
  });
});
