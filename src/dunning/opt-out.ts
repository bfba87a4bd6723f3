import { inTransaction, type Db } from '../db/database.js';
import { insertAuditEntry } from '../db/repositories/audit.repository.js';
import { setReminderOptOut } from '../db/repositories/dunning-optout.repository.js';

// Opting out of (or back into) reminders: effective for the next send at once, and audited.

export type OptOutScope = 'all' | 'telegram' | 'web' | 'wechat' | 'email';

export async function setOptOut(db: Db, input: { studentId: string; scope: OptOutScope; optedOut: boolean; via: { channel: string; chatId: string }; now: number }): Promise<void> {
  await inTransaction(db, async (tx) => {
    await setReminderOptOut(tx, input.studentId, input.scope, input.optedOut, input.now);
    // Opting back in everywhere also lifts a 退订 of all channels.
    if (!input.optedOut && input.scope !== 'all') await setReminderOptOut(tx, input.studentId, 'all', false, input.now);
    await insertAuditEntry(tx, {
      studentId: input.studentId,
      event: input.optedOut ? 'dunning.optout' : 'dunning.optin',
      channel: input.via.channel,
      chatId: input.via.chatId,
      detail: input.scope,
      at: input.now,
    });
  });
}
