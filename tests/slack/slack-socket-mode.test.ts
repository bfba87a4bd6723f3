import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importStaff } from '../../src/import/staff-import.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { STAFF_CHANNEL, STAFF_CSV, waitUntil } from './slack-harness.js';

// Socket Mode (SLACK_APP_TOKEN): feebot asks apps.connections.open for a WebSocket URL, connects to
// the fake Slack's local WebSocket server, and acks each envelope on it. No HTTP route is mounted.

let slack: FakeSlack;
let app: TestFeebot;

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.addUser({ id: 'U0OFFICER', email: 'officer@uni.edu.cn', name: 'qian' });
  app = await startTestFeebot({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'unused-in-socket-mode',
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_STAFF_CHANNEL: STAFF_CHANNEL,
  });
  const imported = await importStaff(app.feebot.db, STAFF_CSV, { now: Date.now() });
  expect(imported.ok).toBe(true);
}, 30_000);
afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

describe('Slack Socket Mode', () => {
  it('connects with the app-level token and answers slash commands and events over the WebSocket', async () => {
    await waitUntil(() => slack.socketConnected(), 'the Socket Mode connection');
    const open = slack.callsOf('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);

    const ack = await slack.sendEnvelope('slash_commands', {
      token: 't', team_id: 'T0FAKE', team_domain: 'finance', channel_id: STAFF_CHANNEL, channel_name: 'finance-office',
      user_id: 'U0OFFICER', user_name: 'qian', command: '/fees', text: 'student 2024020201', api_app_id: 'A0FAKE',
      is_enterprise_install: 'false', response_url: slack.responseUrl('sock1'), trigger_id: 'trigger.sock.1',
    });
    expect(ack.envelope_id).toMatch(/^env-/);
    const card = await waitUntil(() => slack.responses.find((r) => r.id === 'sock1')?.body, 'the student card');
    expect(JSON.stringify(card)).toContain('赵六');

    // Someone not on the staff list is refused in the ack itself.
    slack.addUser({ id: 'U0OTHER', email: 'other@example.com', name: 'o' });
    const refused = await slack.sendEnvelope('slash_commands', {
      token: 't', team_id: 'T0FAKE', channel_id: STAFF_CHANNEL, user_id: 'U0OTHER', command: '/fees', text: 'student 2024020201',
      api_app_id: 'A0FAKE', response_url: slack.responseUrl('sock2'), trigger_id: 'trigger.sock.2',
    });
    expect(JSON.stringify(refused.payload)).toContain('不在财务处人员名单中');

    await slack.sendEnvelope('events_api', {
      token: 't', team_id: 'T0FAKE', api_app_id: 'A0FAKE', type: 'event_callback', event_id: 'EvSOCK1', event_time: 1,
      event: { type: 'app_home_opened', user: 'U0OFFICER', channel: 'D1', tab: 'home', event_ts: '1' },
    });
    await waitUntil(() => slack.views.find((v) => v.method === 'views.publish' && v.userId === 'U0OFFICER'), 'the dashboard');

    // HTTP mode is off: nothing listens on the events path.
    const res = await fetch(`${app.baseUrl}/slack/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
