import { describe, expect, it } from 'vitest';
import { createWebTransport } from '../../adapters/web/web-transport.js';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { listWebMessagesAfter } from '../../src/db/repositories/web-message.repository.js';
import type { Delivery } from '../../src/ports/channel.port.js';

// Issue 7.3: an outbox delivery that runs twice (the process died after writing the bubble, before
// marking the entry done) must not show the student a second bubble.

describe('web transport', () => {
  it('a delivery repeated under the same outbox key rewrites its bubble instead of adding one', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    const web = createWebTransport(db, () => 1);
    const delivery: Delivery = {
      channel: 'web',
      chatId: 'c1',
      view: { placement: 'message', text: '缴费成功，票据号码 0001', buttons: [] },
      menuMessageId: null,
      key: 'outbox:17',
    };
    await web.transport.deliver(delivery);
    await web.transport.deliver(delivery);
    await web.transport.deliver({ ...delivery, key: 'outbox:18', view: { placement: 'message', text: '另一条', buttons: [] } });
    const rows = await listWebMessagesAfter(db, 'c1', 0);
    // The page applies a row with a known key in place: what it shows is one bubble per key.
    expect(new Set(rows.map((r) => r.key)).size).toBe(2);
    await db.destroy();
  });
});
