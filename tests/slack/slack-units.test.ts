import { isValidSlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { loadSlackConfig } from '../../adapters/slack/slack-config.js';
import { csvCell, toCsv } from '../../adapters/slack/slack-csv.js';
import { HonoSlackReceiver, isValidSlackSignature, slackSignature } from '../../adapters/slack/slack-receiver.js';
import { ticketCard } from '../../adapters/slack/slack-render.js';
import { dayRange } from '../../adapters/slack/slack-time.js';
import { openDatabase, migrateToLatest } from '../../src/db/database.js';
import { findStaffByEmail } from '../../src/db/repositories/staff.repository.js';
import { importStaff } from '../../src/import/staff-import.js';

const SECRET = '8f14e45fceea167a5a36dedd4bea2543';

function signed(body: string, tsSec: number, secret = SECRET): Headers {
  return new Headers({ 'x-slack-request-timestamp': String(tsSec), 'x-slack-signature': slackSignature(secret, String(tsSec), body) });
}

describe('Slack request signature', () => {
  const body = 'token=x&command=%2Ffees&text=student+2023010101';
  const now = 1_800_000_000_000;
  const nowSec = now / 1000;

  it('is what Slack sends: Bolt\'s own verifier (isValidSlackRequest) accepts our signature, for any body', () => {
    for (const raw of [body, '{"type":"event_callback","event":{"text":"缴费 ✓"}}', 'payload=%7B%22type%22%3A%22block_actions%22%7D']) {
      const ts = nowSec - 12;
      const headers = { 'x-slack-signature': slackSignature(SECRET, String(ts), raw), 'x-slack-request-timestamp': ts };
      expect(isValidSlackRequest({ signingSecret: SECRET, body: raw, headers, nowMilliseconds: now })).toBe(true);
      expect(isValidSlackRequest({ signingSecret: 'other', body: raw, headers, nowMilliseconds: now })).toBe(false);
    }
  });

  it('accepts up to 300 s of skew either way and refuses beyond, wrong secrets, changed bodies and junk headers', () => {
    expect(isValidSlackSignature(SECRET, signed(body, nowSec - 300), body, now)).toBe(true);
    expect(isValidSlackSignature(SECRET, signed(body, nowSec + 300), body, now)).toBe(true);
    expect(isValidSlackSignature(SECRET, signed(body, nowSec - 301), body, now)).toBe(false);
    expect(isValidSlackSignature(SECRET, signed(body, nowSec + 301), body, now)).toBe(false);
    expect(isValidSlackSignature(SECRET, signed(body, nowSec, 'other'), body, now)).toBe(false);
    expect(isValidSlackSignature(SECRET, signed(body, nowSec), `${body}x`, now)).toBe(false);
    expect(isValidSlackSignature(SECRET, new Headers({ 'x-slack-request-timestamp': 'abc', 'x-slack-signature': 'v0=1' }), body, now)).toBe(false);
    expect(isValidSlackSignature(SECRET, new Headers(), body, now)).toBe(false);
  });
});

describe('staff CSV files', () => {
  it('neutralises cells that Excel would run as formulas and quotes separators', () => {
    expect(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', 'ok', '1,2', 'a"b'].map(csvCell)).toEqual(["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", 'ok', '"1,2"', '"a""b"']);
    const bytes = toCsv(['学号'], [['2023010101']]);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.toString('utf8')).toBe('\uFEFF学号\r\n2023010101\r\n');
  });
});

describe('days in the display time zone', () => {
  it('gives a Shanghai day as [00:00, 24:00) +08:00 and refuses impossible dates', () => {
    expect(dayRange('2026-12-02', 'Asia/Shanghai')).toEqual({ from: Date.parse('2026-12-01T16:00:00Z'), to: Date.parse('2026-12-02T16:00:00Z') });
    expect(dayRange('2026-02-30', 'Asia/Shanghai')).toBeNull();
    expect(dayRange('2026-1-2', 'Asia/Shanghai')).toBeNull();
  });
});

describe('Slack settings', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_STAFF_CHANNEL: 'C0123ABC' };
  it('is off without tokens, on with them, and names what is missing or malformed', () => {
    expect(loadSlackConfig({})).toBeNull();
    expect(loadSlackConfig(base)).toMatchObject({ appToken: null, apiUrl: 'https://slack.com/api/', eventsPath: '/slack/events', ratePerChannelPerSec: 1 });
    expect(loadSlackConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1-a', SLACK_API_URL: 'http://127.0.0.1:9/api' })).toMatchObject({ appToken: 'xapp-1-a', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(() => loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET, SLACK_STAFF_CHANNEL/);
    expect(() => loadSlackConfig({ ...base, SLACK_BOT_TOKEN: 'xoxp-user' })).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => loadSlackConfig({ ...base, SLACK_APP_TOKEN: 'xoxb-wrong' })).toThrow(/SLACK_APP_TOKEN/);
    expect(() => loadSlackConfig({ ...base, SLACK_STAFF_CHANNEL: '#finance' })).toThrow(/SLACK_STAFF_CHANNEL/);
  });
});

describe('feebot import staff', () => {
  it('imports email, name, role and an optional college; one bad row imports nothing', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    const bad = await importStaff(db, 'email,name,role,college\na@x.cn,甲,officer,\nnot-an-email,乙,viewer,\nc@x.cn,丙,boss,\na@x.cn,甲,viewer,\n', { now: 1 });
    expect(bad).toEqual({
      ok: false,
      errors: [
        { line: 3, reason: 'email "not-an-email" is not a valid address' },
        { line: 4, reason: 'role "boss" must be viewer, officer or admin' },
        { line: 5, reason: 'email a@x.cn already appears on line 2' },
      ],
    });
    expect(await findStaffByEmail(db, 'a@x.cn')).toBeNull();
    expect(await importStaff(db, 'email,name,role,college\nA@X.cn,甲,Officer,外国语学院\nb@x.cn,乙,viewer,\n', { now: 1 })).toEqual({ ok: true, count: 2 });
    expect(await findStaffByEmail(db, 'a@x.cn')).toMatchObject({ role: 'officer', college: '外国语学院', slackUserId: null });
    expect(await findStaffByEmail(db, 'b@x.cn')).toMatchObject({ role: 'viewer', college: null });
    await db.destroy();
  });
});

describe('ticket card (pure render)', () => {
  it('escapes the student\'s words and drops the buttons once resolved', () => {
    const data = {
      id: 7, status: 'open' as const, student: null, studentId: 'S1', channel: 'web', description: '<!channel> & hi', createdAt: 0,
      order: null, claimedBy: null, resolvedBy: null, resolutionNote: null, replies: 0,
    };
    const open = JSON.stringify(ticketCard(data, 'Asia/Shanghai').blocks);
    expect(open).toContain('&lt;!channel&gt; &amp; hi');
    expect(open).toContain('ticket.claim');
    const resolved = JSON.stringify(ticketCard({ ...data, status: 'resolved', resolvedBy: '钱', resolutionNote: 'ok' }, 'Asia/Shanghai').blocks);
    expect(resolved).not.toContain('"actions"');
  });
});

describe('app manifest (adapters/slack/manifest.json)', () => {
  it('asks for the scopes, command, events and interactivity the adapter uses, on the events path', async () => {
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(new URL('../../adapters/slack/manifest.json', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
      features: { app_home: { home_tab_enabled: boolean }; slash_commands: { command: string; url: string }[] };
      settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
    };
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['chat:write', 'commands', 'files:write', 'users:read', 'users:read.email']);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/fees']);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    for (const url of [manifest.features.slash_commands[0]!.url, manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url]) {
      expect(new URL(url).pathname).toBe('/slack/events');
    }
  });
});

describe('HonoSlackReceiver answers Slack in time', () => {
  const logger = { warn: () => undefined, info: () => undefined, error: () => undefined } as unknown as import('../../src/logger.js').Logger;
  const make = (processEvent: (e: { ack: (r?: unknown) => Promise<void> }) => Promise<void>) => {
    const receiver = new HonoSlackReceiver({ signingSecret: SECRET, clock: Date.now, logger, recordEvent: async () => true, ackDeadlineMs: 100 });
    receiver.init({ processEvent } as unknown as import('@slack/bolt').App);
    return receiver;
  };

  it('answers with what the listener acked as soon as it acks, while the listener keeps working', async () => {
    let finished = false;
    const receiver = make(async ({ ack }) => {
      await ack({ response_action: 'errors', errors: { input: 'x' } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    const answer = await receiver.dispatch({ body: {} });
    expect(answer).toEqual({ status: 200, body: '{"response_action":"errors","errors":{"input":"x"}}', contentType: 'application/json' });
    expect(finished).toBe(false);
  });

  it('answers an empty 200 at the deadline when a listener never acks, and 404 when nothing handled it', async () => {
    const slow = make(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
    expect(await slow.dispatch({ body: {} })).toEqual({ status: 200, body: '' });
    const unhandled = make(async () => undefined);
    expect((await unhandled.dispatch({ body: {} })).status).toBe(404);
  });
});
