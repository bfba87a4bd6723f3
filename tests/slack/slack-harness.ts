import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slackSignature } from '../../adapters/slack/index.js';
import { importStaff } from '../../src/import/staff-import.js';
import type { FeebotOptions } from '../../src/main.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';

// A real feebot (HTTP mode Slack) pointed at the fake Slack, with a staff list and Slack users:
// U0OFFICER officer (all colleges), U0VIEWER viewer, U0SCOPED officer of 外国语学院, U0STRANGER not staff.

export const SIGNING_SECRET = 'test-signing-secret-8f2e1c';
export const STAFF_CHANNEL = 'C0STAFF01';

export const STAFF_CSV = `email,name,role,college
officer@uni.edu.cn,钱会计,officer,
viewer@uni.edu.cn,孙查看,viewer,
scoped@uni.edu.cn,周外语,officer,外国语学院
`;

export interface SlackTestEnv {
  slack: FakeSlack;
  app: TestFeebot;
  /** POSTs a body to feebot's Slack endpoint, signed as Slack signs it (or not, per options). */
  post(body: string, options?: PostOptions): Promise<Response>;
  command(userId: string, text: string, responseId?: string): Promise<Response>;
  action(userId: string, actionId: string, value: string, responseId?: string): Promise<Response>;
  submit(userId: string, callbackId: string, metadata: string, values: Record<string, Record<string, unknown>>): Promise<Response>;
  event(event: Record<string, unknown>, eventId: string, retryNum?: number): Promise<Response>;
  stop(): Promise<void>;
}

export interface PostOptions {
  contentType?: string;
  /** Seconds; now by default. */
  timestamp?: number;
  secret?: string;
  signature?: string | null;
  headers?: Record<string, string>;
}

export async function startSlackTestEnv(env: Record<string, string> = {}, options: FeebotOptions = {}): Promise<SlackTestEnv> {
  const slack = await startFakeSlack();
  slack.addUser({ id: 'U0OFFICER', email: 'officer@uni.edu.cn', name: 'qian' });
  slack.addUser({ id: 'U0VIEWER', email: 'viewer@uni.edu.cn', name: 'sun' });
  slack.addUser({ id: 'U0SCOPED', email: 'Scoped@uni.edu.cn', name: 'zhou' });
  slack.addUser({ id: 'U0STRANGER', email: 'stranger@example.com', name: 'x' });
  // No quiet hours unless a test asks: /fees remind must not depend on the hour the suite runs at.
  const policyFile = join(mkdtempSync(join(tmpdir(), 'slack-policy-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ quietHours: { start: '00:00', end: '00:00' } }));
  const app = await startTestFeebot({
    DUNNING_POLICY_FILE: policyFile,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_STAFF_CHANNEL: STAFF_CHANNEL,
    SLACK_RATE_PER_CHANNEL_PER_SEC: '10',
    ...env,
  }, options);
  const imported = await importStaff(app.feebot.db, STAFF_CSV, { now: Date.now() });
  if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
  let seq = 0;

  async function post(body: string, options: PostOptions = {}): Promise<Response> {
    const ts = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = options.signature === undefined ? slackSignature(options.secret ?? SIGNING_SECRET, ts, body) : options.signature;
    return fetch(`${app.baseUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        ...(signature === null ? {} : { 'x-slack-signature': signature }),
        ...options.headers,
      },
      body,
    });
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: 'T0FAKE' });

  return {
    slack,
    app,
    post,
    command(userId, text, responseId = `cmd${++seq}`) {
      return post(
        form({
          token: 'legacy-verification-token',
          team_id: 'T0FAKE',
          team_domain: 'finance',
          channel_id: STAFF_CHANNEL,
          channel_name: 'finance-office',
          user_id: userId,
          user_name: userId.toLowerCase(),
          command: '/fees',
          text,
          api_app_id: 'A0FAKE',
          is_enterprise_install: 'false',
          response_url: slack.responseUrl(responseId),
          trigger_id: `trigger.${++seq}`,
        }),
      );
    },
    action(userId, actionId, value, responseId = `act${++seq}`) {
      const payload = {
        type: 'block_actions',
        user: user(userId),
        api_app_id: 'A0FAKE',
        token: 'legacy-verification-token',
        container: { type: 'message', message_ts: '1700000000.000100', channel_id: STAFF_CHANNEL, is_ephemeral: false },
        trigger_id: `trigger.${++seq}`,
        team: { id: 'T0FAKE', domain: 'finance' },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: STAFF_CHANNEL, name: 'finance-office' },
        message: { type: 'message', ts: '1700000000.000100', text: 'card' },
        response_url: slack.responseUrl(responseId),
        actions: [{ action_id: actionId, block_id: 'b', text: { type: 'plain_text', text: actionId }, value, type: 'button', action_ts: `${Date.now() / 1000}` }],
      };
      return post(form({ payload: JSON.stringify(payload) }));
    },
    submit(userId, callbackId, metadata, values) {
      const payload = {
        type: 'view_submission',
        team: { id: 'T0FAKE', domain: 'finance' },
        user: user(userId),
        api_app_id: 'A0FAKE',
        token: 'legacy-verification-token',
        trigger_id: `trigger.${++seq}`,
        view: {
          id: `V${++seq}`,
          team_id: 'T0FAKE',
          type: 'modal',
          callback_id: callbackId,
          private_metadata: metadata,
          state: { values },
          hash: 'h',
          app_id: 'A0FAKE',
          bot_id: 'B0BOT',
        },
        response_urls: [],
        is_enterprise_install: false,
      };
      return post(form({ payload: JSON.stringify(payload) }));
    },
    event(event, eventId, retryNum) {
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        team_id: 'T0FAKE',
        api_app_id: 'A0FAKE',
        event,
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: 'T0FAKE', user_id: 'U0BOT', is_bot: true }],
      });
      return post(body, { contentType: 'application/json', headers: retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {} });
    },
    async stop() {
      await app.stop();
      await slack.close();
    },
  };
}

/** The plain-text input of our modals, as Slack puts it in view.state.values. */
export const textValue = (value: string) => ({ input: { value: { type: 'plain_text_input', value } } });

export async function waitUntil<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
