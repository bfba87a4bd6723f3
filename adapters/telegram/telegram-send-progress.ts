import type { Db } from '../../src/db/database.js';
import { deleteSendProgress, findSendProgress, saveSendProgress } from '../../src/db/repositories/send-progress.repository.js';

/**
 * How far a multi-part delivery (a long text split into parts, or a photo followed by its text)
 * got before it failed, per delivery key, so that the outbox's retry resumes at the first part
 * not yet sent instead of sending the earlier parts again.
 *
 * Production keeps it in the database (createDbSendProgress): the retry may run on another
 * instance, or after a restart, and still resumes where the delivery stopped.
 */
export interface SendProgress {
  /** Parts already sent and the id of the last one; zero/null when starting fresh. */
  get(key: string | undefined): Promise<{ sent: number; lastId: number | null }>;
  record(key: string | undefined, sent: number, lastId: number): Promise<void>;
  /** The delivery finished (or can never finish): forget it. */
  clear(key: string | undefined): Promise<void>;
}

const FRESH = { sent: 0, lastId: null };

export function createDbSendProgress(db: Db, clock: () => number = Date.now): SendProgress {
  return {
    async get(key) {
      return (key === undefined ? undefined : await findSendProgress(db, key)) ?? { ...FRESH };
    },
    async record(key, sent, lastId) {
      if (key !== undefined) await saveSendProgress(db, key, sent, lastId, clock());
    },
    async clear(key) {
      if (key !== undefined) await deleteSendProgress(db, key);
    },
  };
}

const MAX_ENTRIES = 10_000;

/** This process only: for a transport without a database (tests of the transport alone). */
export function createMemorySendProgress(): SendProgress {
  const entries = new Map<string, { sent: number; lastId: number }>();
  return {
    async get(key) {
      const entry = key === undefined ? undefined : entries.get(key);
      return entry ? { ...entry } : { ...FRESH };
    },
    async record(key, sent, lastId) {
      if (key === undefined) return;
      entries.delete(key);
      entries.set(key, { sent, lastId });
      // Abandoned deliveries (given up by the outbox) must not pile up: drop the oldest.
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    },
    async clear(key) {
      if (key !== undefined) entries.delete(key);
    },
  };
}
