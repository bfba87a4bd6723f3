import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { affectedRows, prepared } from '../../src/db/prepared.js';
import { findConversation, findConversationUnlessHandled, saveConversation } from '../../src/db/repositories/conversation.repository.js';
import { updateChannelChat } from '../../src/db/repositories/channel-chat.repository.js';
import { recordInboundUpdate } from '../../src/db/repositories/inbound-update.repository.js';
import { openTestDb } from '../support/test-store.js';

let db: Db | null = null;
afterEach(async () => {
  if (db && process.env.FEEBOT_TEST_STORE !== 'postgres') await db.destroy();
  db = null;
});

describe('prepared queries', () => {
  it('compile once and run with each call’s own arguments, literals kept', async () => {
    db = await openTestDb();
    const insert = prepared((d, a: { lane: string; runAfter: number }) =>
      d.insertInto('outbox').values({ lane: a.lane, kind: 'deliver', payload_json: '{}', run_after: a.runAfter, created_at: 0 }),
    );
    const count = prepared((d, a: { lane: string; after: number }) => d.selectFrom('outbox').select('id').where('lane', '=', a.lane).where('run_after', '>', a.after).where('kind', '=', 'deliver'));
    for (const [lane, runAfter] of [['a', 1], ['a', 5], ['b', 7]] as const) expect(affectedRows(await insert(db, { lane, runAfter }))).toBe(1);
    expect((await count(db, { lane: 'a', after: 0 })).rows).toHaveLength(2);
    expect((await count(db, { lane: 'a', after: 2 })).rows).toHaveLength(1);
    expect((await count(db, { lane: 'b', after: 2 })).rows).toHaveLength(1);
    expect((await count(db, { lane: 'c', after: 0 })).rows).toHaveLength(0);
  });

  it('refuse an argument that does not end up as a bound parameter', async () => {
    db = await openTestDb();
    // A flag read while building would be frozen at its placeholder's truthiness.
    const bad = prepared((d, a: { lane: string; due: boolean }) => d.selectFrom('outbox').select('id').where('lane', '=', a.lane).$if(a.due, (q) => q.where('run_after', '<=', 0)));
    await expect(bad(db, { lane: 'a', due: false })).rejects.toThrow(/argument due is not a bound parameter/);
  });

  it('read a conversation and whether an update was handled in one go', async () => {
    db = await openTestDb();
    expect(await findConversationUnlessHandled(db, 'telegram', '7', 'u1')).toEqual({ handled: false, conversation: undefined, chatInactive: false });
    await saveConversation(db, { channel: 'telegram', chatId: '7', stateVersion: 3, stateJson: '{"a":1}', studentId: null, expectedRevision: 0, now: 1 });
    const stored = await findConversation(db, 'telegram', '7');
    expect(stored).toEqual({ stateVersion: 3, revision: 1, stateJson: '{"a":1}' });
    expect(await findConversationUnlessHandled(db, 'telegram', '7', 'u1')).toEqual({ handled: false, conversation: stored, chatInactive: false });
    expect(await recordInboundUpdate(db, 'telegram', 'u1', 2)).toBe(true);
    expect(await recordInboundUpdate(db, 'telegram', 'u1', 3)).toBe(false);
    expect(await findConversationUnlessHandled(db, 'telegram', '7', 'u1')).toEqual({ handled: true });
    // Another channel's update with the same id is not this one.
    expect(await findConversationUnlessHandled(db, 'wechat', '7', 'u1')).toEqual({ handled: false, conversation: undefined, chatInactive: false });
    // The chat marked unreachable (it blocked the bot) shows in the same read.
    await updateChannelChat(db, 'telegram', '7', { active: false }, 5);
    expect(await findConversationUnlessHandled(db, 'telegram', '7', 'u2')).toEqual({ handled: false, conversation: stored, chatInactive: true });
    expect(await findConversationUnlessHandled(db, 'telegram', '7', undefined)).toEqual({ handled: false, conversation: stored, chatInactive: true });
    expect(await saveConversation(db, { channel: 'telegram', chatId: '7', stateVersion: 3, stateJson: '{"a":2}', studentId: null, expectedRevision: 0, now: 4 })).toBe(false);
    expect(await saveConversation(db, { channel: 'telegram', chatId: '7', stateVersion: 3, stateJson: '{"a":2}', studentId: null, expectedRevision: 1, now: 4 })).toBe(true);
    expect(await saveConversation(db, { channel: 'telegram', chatId: '7', stateVersion: 3, stateJson: '{"a":3}', studentId: null, expectedRevision: 1, now: 5 })).toBe(false);
  });
});
