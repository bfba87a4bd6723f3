import { describe, expect, it, vi } from 'vitest';

// Counts scrypt calls in flight by wrapping node:crypto's scrypt (the real one still runs).
const inFlight = vi.hoisted(() => ({ now: 0, peak: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const scrypt = (...args: unknown[]): void => {
    const callback = args.pop() as (error: Error | null, key: Buffer) => void;
    inFlight.now += 1;
    inFlight.peak = Math.max(inFlight.peak, inFlight.now);
    (crypto.scrypt as (...a: unknown[]) => void)(...args, (error: Error | null, key: Buffer) => {
      inFlight.now -= 1;
      callback(error, key);
    });
  };
  return { ...crypto, scrypt };
});

const { createPasswordHasher } = await import('../../src/accounts/password-hasher.js');

describe('password hasher concurrency', () => {
  it('runs at most `concurrency` scrypt calls at once during a burst of logins', async () => {
    const hasher = createPasswordHasher({ cost: 12, concurrency: 2 });
    const encoded = await hasher.hash('pw');
    inFlight.peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? hasher.verifyDummy('pw') : hasher.verify(i % 2 ? 'pw' : 'no', encoded))),
    );
    expect(inFlight.peak).toBe(2);
    expect(inFlight.now).toBe(0);
    expect(results.filter(Boolean)).toHaveLength(3); // i = 1, 5, 7
  });

  it('a limit of 1 serialises everything', async () => {
    const hasher = createPasswordHasher({ cost: 11, concurrency: 1 });
    inFlight.peak = 0;
    await Promise.all([hasher.hash('a'), hasher.hash('b'), hasher.verifyDummy('c')]);
    expect(inFlight.peak).toBe(1);
  });
});
