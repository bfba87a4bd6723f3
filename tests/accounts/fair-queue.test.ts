import { describe, expect, it } from 'vitest';
import { createFairQueue, QueueFullError } from '../../src/accounts/fair-queue.js';

// The password-check queue (issue 7, item 6): bounded, round-robin between sources. Tasks here
// are promises the test settles by hand, so the order is checked without any timing.

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = () => new Promise((r) => setImmediate(r));

/** A queue whose tasks record when they start and wait for the test to finish them. */
function harness(options: Parameters<typeof createFairQueue>[0]) {
  const queue = createFairQueue(options);
  const started: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  const submit = (name: string, source?: string) =>
    queue.run(async () => {
      started.push(name);
      const g = gate();
      gates.set(name, g);
      await g.promise;
      return name;
    }, source);
  const finish = async (name: string) => {
    gates.get(name)!.open();
    await tick();
    await tick();
  };
  return { queue, started, submit, finish };
}

describe('fair password-check queue', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    const queue = createFairQueue({ concurrency: 2 });
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        queue.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('frees the slot when a task fails', async () => {
    const queue = createFairQueue({ concurrency: 1 });
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(() => Promise.resolve('next'), 'ip:1')).toBe('next');
  });

  it("a burst from one source cannot delay another source's task beyond its fair share", async () => {
    const h = harness({ concurrency: 2, maxWaitingPerSource: 10, maxWaiting: 100 });
    const burst = Array.from({ length: 8 }, (_, i) => h.submit(`a${i}`, 'ip:attacker'));
    await tick();
    const student = h.submit('student', 'ip:student');
    await tick();
    expect(h.started).toEqual(['a0', 'a1']);
    // Turns alternate: one attacker task (its source's turn came first), then the student, not
    // the six attacker tasks queued before them.
    await h.finish('a0');
    await h.finish('a1');
    expect(h.started).toEqual(['a0', 'a1', 'a2', 'student']);
    await h.finish('student');
    expect(await student).toBe('student');
    for (const name of ['a2', 'a3', 'a4', 'a5', 'a6', 'a7']) await h.finish(name);
    expect(await Promise.all(burst)).toHaveLength(8);
  });

  it('takes turns between several waiting sources', async () => {
    const h = harness({ concurrency: 1, maxWaitingPerSource: 10, maxWaiting: 100 });
    void h.submit('x0', 'ip:x');
    for (let i = 1; i <= 3; i++) void h.submit(`x${i}`, 'ip:x');
    for (let i = 0; i < 2; i++) void h.submit(`y${i}`, 'ip:y');
    void h.submit('z0', 'ip:z');
    await tick();
    for (const name of ['x0', 'x1', 'y0', 'z0', 'x2', 'y1', 'x3']) await h.finish(name);
    expect(h.started).toEqual(['x0', 'x1', 'y0', 'z0', 'x2', 'y1', 'x3']);
  });

  it('refuses a task beyond the per-source bound at once, with a retry estimate; other sources still get in', async () => {
    const h = harness({ concurrency: 1, maxWaitingPerSource: 2, maxWaiting: 10, initialTaskMs: 700 });
    void h.submit('a0', 'ip:a');
    void h.submit('a1', 'ip:a');
    void h.submit('a2', 'ip:a');
    await tick();
    const refused = h.submit('a3', 'ip:a');
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    const error = (await refused.catch((e: unknown) => e)) as QueueFullError;
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(h.queue.load()).toEqual({ active: 1, waiting: 2 });
    void h.submit('b0', 'ip:b');
    expect(h.queue.load()).toEqual({ active: 1, waiting: 3 });
  });

  it('refuses a task beyond the total bound, whatever its source', async () => {
    const h = harness({ concurrency: 1, maxWaitingPerSource: 5, maxWaiting: 3 });
    for (let i = 0; i < 4; i++) void h.submit(`s${i}`, `ip:${i}`);
    await tick();
    await expect(h.submit('late', 'ip:late')).rejects.toBeInstanceOf(QueueFullError);
    // Internal work (imports) is never refused.
    void h.submit('import');
    expect(h.queue.load()).toEqual({ active: 1, waiting: 4 });
  });
});
