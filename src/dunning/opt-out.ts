import { inTransaction, type Db } from '../db/database.js';
import { insertAuditEntry } from '../db/repositories/audit.repository.js';
import { optedOutChannels, setReminderOptOut } from '../db/repositories/dunning-optout.repository.js';

// Opting out of (or back into) reminders: effective for the next send at once, and audited.

export type OptOutScope = 'all' | 'telegram' | 'web' | 'wechat' | 'email';

const CHANNELS = ['telegram', 'web', 'wechat', 'email'] as const;

export interface OptOutInput {
  studentId: string;
  scope: OptOutScope;
  optedOut: boolean;
  via: { channel: string; chatId: string };
  now: number;
}

export async function setOptOut(db: Db, input: OptOutInput): Promise<void> {
  await inTransaction(db, async (tx) => {
    const { studentId, scope, optedOut, now } = input;
    if (!optedOut && scope !== 'all' && (await optedOutChannels(tx, studentId)).has('all')) {
      // Turning one channel back on after 退订 (all): only that one; the others stay off, each on its own.
      for (const other of CHANNELS) if (other !== scope) await setReminderOptOut(tx, studentId, other, true, now);
      await setReminderOptOut(tx, studentId, 'all', false, now);
    }
    // Turning all back on turns each channel on too.
    if (!optedOut && scope === 'all') for (const channel of CHANNELS) await setReminderOptOut(tx, studentId, channel, false, now);
    await setReminderOptOut(tx, studentId, scope, optedOut, now);
    await insertAuditEntry(tx, {
      studentId,
      event: optedOut ? 'dunning.optout' : 'dunning.optin',
      channel: input.via.channel,
      chatId: input.via.chatId,
      detail: scope,
      at: now,
    });
  });
}
