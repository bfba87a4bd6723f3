// The password-check queue: at most `concurrency` tasks run at once (each scrypt call takes 128 MiB
// and a core), and the waiting ones are shared fairly between *sources* (client address, platform
// user): round-robin, one task per source in turn, so a burst from one place cannot push a real
// student to the back. The queue is bounded per source and in total; a task beyond either bound is
// refused at once with QueueFullError and an estimate of when to try again, instead of waiting
// behind hundreds of others.

export class QueueFullError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`password-check queue full; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'QueueFullError';
  }
}

export interface FairQueueOptions {
  concurrency: number;
  /** Tasks one source may have waiting (not running); more are refused. */
  maxWaitingPerSource?: number;
  /** Tasks waiting across all sources; more are refused. */
  maxWaiting?: number;
  /** Duration assumed for a task until some have been measured (for the retry estimate). */
  initialTaskMs?: number;
}

export interface FairQueue {
  /**
   * Runs `task` when its turn comes. `source` names who asked; without one (imports, internal
   * work) the task waits in its own unbounded lane, which takes its turns like any source.
   */
  run<T>(task: () => Promise<T>, source?: string): Promise<T>;
  /** Running and waiting tasks, for tests and metrics. */
  load(): { active: number; waiting: number };
}

const INTERNAL = '\u0000internal';

export function createFairQueue(options: FairQueueOptions): FairQueue {
  const { concurrency, maxWaitingPerSource = 4, maxWaiting = 32, initialTaskMs = 700 } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Queue concurrency must be a positive integer, got ${concurrency}`);
  let active = 0;
  let waiting = 0;
  let taskMs = initialTaskMs;
  const lanes = new Map<string, Array<() => void>>();
  // Sources with waiting tasks, in the order their next turn comes.
  const turns: string[] = [];

  const estimateMs = (ahead: number): number => Math.max(1000, Math.ceil(((ahead + active) / concurrency + 1) * taskMs));

  const acquire = (lane: string, bounded: boolean): Promise<void> => {
    if (active < concurrency && waiting === 0) {
      active += 1;
      return Promise.resolve();
    }
    const queue = lanes.get(lane) ?? [];
    if (bounded && (queue.length >= maxWaitingPerSource || waiting >= maxWaiting)) {
      throw new QueueFullError(estimateMs(waiting));
    }
    return new Promise((resolve) => {
      if (queue.length === 0) {
        lanes.set(lane, queue);
        turns.push(lane);
      }
      queue.push(resolve);
      waiting += 1;
    });
  };

  const release = (): void => {
    const lane = turns.shift();
    if (lane === undefined) {
      active -= 1;
      return;
    }
    const queue = lanes.get(lane)!;
    const next = queue.shift()!;
    waiting -= 1;
    if (queue.length > 0) turns.push(lane);
    else lanes.delete(lane);
    // The slot passes straight to the next task, so `active` stays counted.
    next();
  };

  return {
    async run<T>(task: () => Promise<T>, source?: string): Promise<T> {
      await acquire(source ?? INTERNAL, source !== undefined);
      const started = Date.now();
      try {
        return await task();
      } finally {
        // A moving average of how long a task takes, for "try again in N s".
        taskMs = taskMs * 0.8 + (Date.now() - started) * 0.2;
        release();
      }
    },
    load: () => ({ active, waiting }),
  };
}
