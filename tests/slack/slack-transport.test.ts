import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_CHANNEL, startSlackTestEnv, waitUntil, type SlackTestEnv } from './slack-harness.js';

// Staff cards leave only through the outbox, paced per channel (SLACK_RATE_PER_CHANNEL_PER_SEC);
// a 429 waits its Retry-After without spending an attempt, dropping or reordering anything.

let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv({ SLACK_RATE_PER_CHANNEL_PER_SEC: '2' });
}, 30_000);
afterAll(async () => env?.stop());

describe('Slack transport through the outbox', () => {
  it('a burst of tickets: a 429 is waited out (Retry-After), nothing dropped or reordered, posts spaced per channel', async () => {
    env.slack.rateLimitNext('chat.postMessage', 1, 1);
    const { ledger, outbox, db } = env.app.feebot;
    for (let i = 1; i <= 4; i++) {
      await ledger.reportProblem({ studentId: '2023010101', orderId: null, channel: 'web', chatId: `c${i}`, description: `问题 ${i}`, now: Date.now() });
    }
    outbox.kick();
    await waitUntil(() => env.slack.messages.filter((m) => m.channel === STAFF_CHANNEL).length === 4, 'four ticket cards', 20_000);
    expect(env.slack.messages.map((m) => m.text.match(/^问题单 #(\d+)/)?.[1])).toEqual(['1', '2', '3', '4']);

    const posts = env.slack.callsOf('chat.postMessage');
    expect(posts).toHaveLength(5); // the refused one, then four
    // The retry came after Retry-After (1 s); the others at least 1/rate (500 ms) apart.
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    for (let i = 2; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(450);

    // The last card's done mark lands just after its post: wait for it rather than race it.
    const staffEntries = () => db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).where('kind', '=', 'staff').execute();
    await waitUntil(async () => (await staffEntries()).every((e) => e.status === 'done'), 'the four entries done', 20_000);
    const entries = await staffEntries();
    expect(entries).toHaveLength(4);
    expect(entries.every((e) => e.status === 'done' && e.attempts === 0)).toBe(true);
  }, 30_000);

  it('a card whose message was deleted in Slack is posted again instead of lost', async () => {
    const { ledger, outbox } = env.app.feebot;
    const id = await ledger.reportProblem({ studentId: '2023010101', orderId: null, channel: 'web', chatId: 'c9', description: '被删除的卡片', now: Date.now() });
    outbox.kick();
    const first = await waitUntil(() => env.slack.messages.find((m) => m.text.startsWith(`问题单 #${id}`)), 'the card');
    env.slack.messages.splice(env.slack.messages.indexOf(first), 1);
    await env.action('U0OFFICER', 'ticket.claim', String(id));
    const again = await waitUntil(() => env.slack.messages.find((m) => m.text.startsWith(`问题单 #${id}`)), 'the card posted again');
    expect(JSON.stringify(again.blocks)).toContain('认领：钱会计');
    expect(env.slack.callsOf('chat.update').length).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
