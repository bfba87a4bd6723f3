import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import { acquireLease, releaseLease } from '../db/repositories/lease.repository.js';
import type { Logger } from '../logger.js';

/**
 * A named lease in the database: at most one instance of the fleet holds it at a time (background
 * jobs, Telegram polling). The holder renews it every third of its period; when the holder dies
 * the lease expires and another instance, which retries at the moment of expiry, takes it within
 * one period. A clean stop releases it at once.
 */
export interface Lease {
  readonly name: string;
  held(): boolean;
  /** `true` when this instance took the lease, `false` when it lost it. */
  onChange(listener: (held: boolean) => void): void;
}

export interface LeasesDeps {
  db: Db;
  ttlMs: number;
  clock: () => number;
  logger: Logger;
  /** This instance's name in the leases table (default: host, pid and a random tag). */
  holder?: string;
}

export function instanceName(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Makes the leases of one instance; start() begins competing for all of them, stop() releases them. */
export function createLeases(deps: LeasesDeps) {
  const { db, ttlMs, clock, logger } = deps;
  const holder = deps.holder ?? instanceName();
  const all = new Map<string, ReturnType<typeof createOne>>();
  let started = false;

  function createOne(name: string) {
    const listeners: ((held: boolean) => void)[] = [];
    let held = false;
    let renewedAt = 0;
    let timer: NodeJS.Timeout | null = null;
    let stopped = true;

    function set(next: boolean): void {
      if (next === held) return;
      held = next;
      logger.info({ lease: name, holder, held }, next ? 'lease taken' : 'lease lost');
      for (const listener of listeners) listener(next);
    }

    async function tick(): Promise<void> {
      let wait = ttlMs / 3;
      const now = clock();
      try {
        const state = await acquireLease(db, name, holder, now, now + ttlMs);
        const mine = state.holder === holder;
        if (mine) renewedAt = now;
        set(mine);
        // Not ours: try again the moment it expires (a dead holder's lease goes within one period).
        if (!mine) wait = Math.max(20, Math.min(wait, state.expiresAt - clock() + 5));
      } catch (error) {
        logger.warn({ lease: name, err: error instanceof Error ? error.message : String(error) }, 'lease renewal failed');
        // Unrenewed past its expiry, someone else may hold it now.
        if (held && clock() >= renewedAt + ttlMs) set(false);
      }
      if (!stopped) {
        timer = setTimeout(() => void tick(), wait);
        timer.unref();
      }
    }

    const lease: Lease = {
      name,
      held: () => held,
      onChange(listener) {
        listeners.push(listener);
      },
    };
    return {
      lease,
      start() {
        stopped = false;
        void tick();
      },
      halt() {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        if (held) {
          set(false);
          await releaseLease(db, name, holder).catch(() => undefined);
        }
      },
    };
  }

  return {
    holder,
    /** The lease called `name` (one object per name). */
    lease(name: string): Lease {
      let one = all.get(name);
      if (!one) {
        one = createOne(name);
        all.set(name, one);
        if (started) one.start();
      }
      return one.lease;
    },
    start(): void {
      started = true;
      for (const one of all.values()) one.start();
    },
    async stop(): Promise<void> {
      started = false;
      await Promise.all([...all.values()].map((one) => one.stop()));
    },
    /** Tests: stop renewing without releasing, as a process that died would. */
    async stopRenewing(): Promise<void> {
      started = false;
      for (const one of all.values()) one.halt();
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
