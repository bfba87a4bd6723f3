/**
 * How far a multi-part delivery (a long text split into parts, or a photo followed by its text)
 * got before it failed, per delivery key, so that the outbox's retry resumes at the first part
 * not yet sent instead of sending the earlier parts again.
 *
 * Kept in memory: a retry normally runs in the same process within seconds (a 429's retry_after).
 * If it runs elsewhere (restart, another instance), the earlier parts are sent again — never lost.
 */
export interface SendProgress {
  /** Parts already sent and the id of the last one; zero/null when starting fresh. */
  get(key: string | undefined): { sent: number; lastId: number | null };
  record(key: string | undefined, sent: number, lastId: number): void;
  /** The delivery finished (or can never finish): forget it. */
  clear(key: string | undefined): void;
}

const MAX_ENTRIES = 10_000;

export function createSendProgress(): SendProgress {
  const entries = new Map<string, { sent: number; lastId: number }>();
  return {
    get(key) {
      const entry = key === undefined ? undefined : entries.get(key);
      return entry ? { ...entry } : { sent: 0, lastId: null };
    },
    record(key, sent, lastId) {
      if (key === undefined) return;
      entries.delete(key);
      entries.set(key, { sent, lastId });
      // Abandoned deliveries (given up by the outbox) must not pile up: drop the oldest.
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    },
    clear(key) {
      if (key !== undefined) entries.delete(key);
    },
  };
}
