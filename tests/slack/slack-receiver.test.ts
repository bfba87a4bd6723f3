import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';
import { startSlackTestEnv, waitUntil, type SlackTestEnv } from './slack-harness.js';

let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv();
});
afterAll(async () => {
  await env?.stop();
});

const commandBody = (userId: string) =>
  new URLSearchParams({ command: '/fees', text: 'student 2023010101', user_id: userId, channel_id: 'C0STAFF01', team_id: 'T0FAKE', response_url: 'http://127.0.0.1:9/x', trigger_id: 't' }).toString();

describe('Slack HTTP endpoint on feebot\'s server', () => {
  it('answers url_verification with the challenge when signed', async () => {
    const res = await env.post(JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }), { contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c-123' });
  });

  it('refuses forged, stale, future and missing signatures with 401, and nothing happens', async () => {
    const before = env.slack.calls.length;
    const body = commandBody('U0OFFICER');
    const now = Math.floor(Date.now() / 1000);
    expect((await env.post(body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await env.post(body, { timestamp: now - 400 })).status).toBe(401);
    expect((await env.post(body, { timestamp: now + 400 })).status).toBe(401);
    expect((await env.post(body, { signature: null })).status).toBe(401);
    expect((await env.post(body, { signature: 'v0=' + '0'.repeat(64) })).status).toBe(401);
    // A body changed after signing: the signature covers the raw bytes.
    const ts = String(now);
    const signed = await env.post(body, { timestamp: now });
    expect(signed.status).toBe(200);
    const { slackSignature } = await import('../../adapters/slack/index.js');
    const tampered = await env.post(body.replace('2023010101', '2023010102'), { signature: slackSignature('test-signing-secret-8f2e1c', ts, body), timestamp: now });
    expect(tampered.status).toBe(401);
    // Only the one genuine request reached Slack's API (users.info to match the officer, then the answer).
    await waitUntil(async () => (await listStaffAudit(env.app.feebot.db, 10)).some((a) => a.action === 'student.view'), 'the genuine request handled');
    const afterCalls = env.slack.calls.slice(before).map((c) => c.method);
    expect(afterCalls.every((m) => m === 'users.info' || m === 'auth.test')).toBe(true);
    expect((await listStaffAudit(env.app.feebot.db, 10)).filter((a) => a.action === 'student.view')).toHaveLength(1);
  });

  it('accepts a signature 4 minutes old (inside the 5-minute window)', async () => {
    const res = await env.post(JSON.stringify({ type: 'url_verification', challenge: 'old' }), { contentType: 'application/json', timestamp: Math.floor(Date.now() / 1000) - 240 });
    expect(res.status).toBe(200);
  });

  it('processes an event once when Slack retries it (X-Slack-Retry-Num, same event_id)', async () => {
    const event = { type: 'app_home_opened', user: 'U0OFFICER', channel: 'D0HOME', tab: 'home', event_ts: `${Date.now() / 1000}` };
    const first = await env.event(event, 'Ev0RETRY1');
    expect(first.status).toBe(200);
    await waitUntil(() => env.slack.views.some((v) => v.method === 'views.publish' && v.userId === 'U0OFFICER'), 'home published');
    const retry = await env.event(event, 'Ev0RETRY1', 1);
    expect(retry.status).toBe(200);
    const again = await env.event(event, 'Ev0RETRY1', 2);
    expect(again.status).toBe(200);
    // A different event is processed.
    await env.event(event, 'Ev0OTHER2');
    await waitUntil(() => env.slack.views.filter((v) => v.method === 'views.publish').length >= 2, 'second publish');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(env.slack.views.filter((v) => v.method === 'views.publish')).toHaveLength(2);
  });
});
