import { describe, expect, it } from 'vitest';
import { claimDueLaneHeads, type OutboxEntry } from '../../src/db/repositories/outbox.repository.js';
import { upsertStudent } from '../../src/db/repositories/student.repository.js';
import type { Command } from '../../src/engine/commands.js';
import { createLogger } from '../../src/logger.js';
import { createDispatcher } from '../../src/runtime/dispatcher.js';
import type { EventWithoutTime } from '../../src/runtime/runtime-types.js';
import { makeConfig } from '../engine/fixtures.js';
import { T0, setupLedger } from '../ledger/ledger-fixture.js';

// Issue 7.2 and 7.3: an update's id, its state and its outbox entries commit together, so a crash
// mid-update (say, during the password hash) leaves nothing and the platform's redelivery is handled;
// and an outbox entry that carries an event is marked done in the event's own transaction.

const STUDENT = 'STU20260001';

async function setup(runCommand: (command: Command) => Promise<EventWithoutTime | null>) {
  const f = await setupLedger();
  const base = { major: '计算机科学', class_name: '计科2201', phone: null, id_number: null, college: '信息学院', recovery_email: null };
  await upsertStudent(f.db, { ...base, student_id: STUDENT, name: '测试' }, 'hash', T0);
  const dispatcher = createDispatcher({
    db: f.db,
    engineConfig: makeConfig(),
    defaultLanguage: 'zh-CN',
    ledger: f.ledger,
    runCommand: (command) => runCommand(command),
    clock: () => T0,
    logger: createLogger('silent'),
    onEnqueued: () => undefined,
  });
  const outbox = () => f.db.selectFrom('outbox').select(['id', 'kind', 'status', 'payload_json']).orderBy('id').execute();
  const session = async () => {
    const row = await f.db.selectFrom('conversations').select('state_json').where('chat_id', '=', '7').executeTakeFirst();
    return row ? (JSON.parse(row.state_json) as { session: { studentId: string } | null }).session : null;
  };
  return { f, dispatcher, outbox, session };
}

const loginOk = (studentId: string): EventWithoutTime => ({ kind: 'login.result', result: { ok: true, studentId, mustChangePassword: false } });

describe('dispatcher durability', () => {
  it('a login update that dies during the password check leaves nothing, and its redelivery logs in', async () => {
    let crash = true;
    const { dispatcher, outbox, session } = await setup(async (command) => {
      if (command.kind !== 'login') return null;
      if (crash) {
        crash = false;
        throw new Error('killed during the hash');
      }
      return loginOk(command.studentId);
    });
    await dispatcher.dispatch({ channel: 'telegram', chatId: '7', updateId: '1', event: { kind: 'text', text: STUDENT } });
    const before = await outbox();
    const password = { channel: 'telegram' as const, chatId: '7', updateId: '2', inboundMessageId: '42', event: { kind: 'text' as const, text: 'Secret@2026' } };

    await expect(dispatcher.dispatch(password)).rejects.toThrow('killed during the hash');
    expect(await outbox()).toEqual(before);
    expect(await session()).toBeNull();

    const again = await dispatcher.dispatch(password);
    expect(again.duplicate).toBe(false);
    expect((await session())?.studentId).toBe(STUDENT);
    const added = (await outbox()).slice(before.length);
    expect(added.filter((e) => e.kind === 'delete')).toHaveLength(1);
    expect(added.some((e) => e.kind === 'deliver' && e.payload_json.includes(STUDENT))).toBe(true);

    // A third copy is a true duplicate now.
    const third = await dispatcher.dispatch(password);
    expect(third.duplicate).toBe(true);
    expect((await outbox()).length).toBe(before.length + added.length);
  });

  it('concurrent copies of one update are handled once', async () => {
    let checks = 0;
    const { dispatcher, outbox } = await setup(async (command) => {
      if (command.kind !== 'login') return null;
      checks += 1;
      await new Promise((r) => setTimeout(r, 20));
      return loginOk(command.studentId);
    });
    await dispatcher.dispatch({ channel: 'telegram', chatId: '7', updateId: '1', event: { kind: 'text', text: STUDENT } });
    const password = { channel: 'telegram' as const, chatId: '7', updateId: '2', inboundMessageId: '42', event: { kind: 'text' as const, text: 'Secret@2026' } };
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => dispatcher.dispatch(password)));
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    expect(checks).toBe(1);
    expect((await outbox()).filter((e) => e.kind === 'delete')).toHaveLength(1);
  });

  it("an outbox entry's event is applied once even if the worker dies before marking it done", async () => {
    const { f, dispatcher, outbox } = await setup(async () => null);
    await dispatcher.dispatch({ channel: 'web', chatId: '7', updateId: 'u1', event: { kind: 'text', text: 'help' } });
    await f.db
      .insertInto('outbox')
      .values({ lane: 'timer:chat:web:7', kind: 'event', payload_json: '{}', run_after: T0, created_at: T0 })
      .execute();
    const row = (await outbox()).at(-1)!;
    const entry: OutboxEntry = { id: row.id, lane: 'timer:chat:web:7', kind: 'event', payload: {}, attempts: 0, runAfter: T0 + 60_000 };
    const claimed = await claimDueLaneHeads(f.db, T0, 50, entry.runAfter);
    expect(claimed.find((e) => e.id === row.id)).toMatchObject({ runAfter: entry.runAfter });
    const event: EventWithoutTime = { kind: 'timer.agreementUnlocked', menuRev: 1 };
    const count = async () => (await outbox()).length;

    const n0 = await count();
    await dispatcher.deliverEvent('web', '7', event, entry);
    const n1 = await count();
    expect((await outbox()).find((e) => e.id === row.id)?.status).toBe('done');
    // The worker "restarts" and runs the entry again: nothing more happens.
    await dispatcher.deliverEvent('web', '7', event, entry);
    expect(await count()).toBe(n1);
    expect(n1).toBeGreaterThanOrEqual(n0);
  });
});
