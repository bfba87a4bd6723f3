// Token buckets in memory, one per key (a chat token, a client address): `burst` requests at once,
// refilled at `perMinute`. One feebot process serves the web chat, so memory is the right place;
// the map is bounded (full buckets are dropped first, as they hold no information).

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  take(key: string, now: number): RateDecision;
  /** Buckets currently held (for tests and the bound). */
  size(): number;
}

export interface RateLimiterOptions {
  perMinute: number;
  burst: number;
  maxKeys?: number;
}

export function createRateLimiter({ perMinute, burst, maxKeys = 100_000 }: RateLimiterOptions): RateLimiter {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const level = (b: { tokens: number; at: number }, now: number) => Math.min(burst, b.tokens + Math.max(0, now - b.at) * perMs);

  function shrink(now: number): void {
    for (const [key, b] of buckets) if (level(b, now) >= burst) buckets.delete(key);
    // Still too many live buckets: drop the oldest; the per-address limit still holds their owner.
    for (const key of buckets.keys()) {
      if (buckets.size <= maxKeys * 0.9) break;
      buckets.delete(key);
    }
  }

  return {
    take(key, now) {
      const existing = buckets.get(key);
      const tokens = existing ? level(existing, now) : burst;
      if (tokens < 1) return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
      if (!existing && buckets.size >= maxKeys) shrink(now);
      buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true };
    },
    size: () => buckets.size,
  };
}
