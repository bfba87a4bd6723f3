import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

// Every request body is bounded before anything reads it: one app-level middleware with a default,
// and per-path overrides that the code mounting a route registers next to it (setBodyLimit).
// hono's bodyLimit refuses a Content-Length over the limit without reading a byte, and counts a
// chunked body as it streams, stopping at the limit (it never buffers more than the limit).

/** Any route that did not ask for another limit, including routes added later. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

interface Override {
  /** An exact path, or a prefix ending in `/*`. */
  path: string;
  maxBytes: number;
}

const overrides = new WeakMap<object, Override[]>();

/** Sets the body limit of `path` (exact, or `prefix/*`) on this app; the longest match wins. */
export function setBodyLimit(app: object, path: string, maxBytes: number): void {
  const list = overrides.get(app) ?? [];
  overrides.set(app, [...list.filter((o) => o.path !== path), { path, maxBytes }]);
}

function matches(pattern: string, path: string): boolean {
  return pattern.endsWith('/*') ? path === pattern.slice(0, -2) || path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/** The limit that applies to `path` on `app`. */
export function bodyLimitFor(app: object, path: string, defaultBytes = DEFAULT_BODY_LIMIT_BYTES): number {
  const found = (overrides.get(app) ?? []).filter((o) => matches(o.path, path)).sort((a, b) => b.path.length - a.path.length)[0];
  return found?.maxBytes ?? defaultBytes;
}

function tooLarge(c: Context, maxBytes: number): Response {
  // Close the connection: the rest of an oversized upload is not worth reading to keep it alive.
  c.header('Connection', 'close');
  return c.json({ error: 'PAYLOAD_TOO_LARGE', message: `request body over ${maxBytes} bytes` }, 413);
}

/** Mounted first on the app (createHttpApp); looks up the override for each request's path. */
export function bodyLimits(app: object, defaultBytes = DEFAULT_BODY_LIMIT_BYTES): MiddlewareHandler {
  const limiters = new Map<number, MiddlewareHandler>();
  const limiter = (maxBytes: number): MiddlewareHandler => {
    let handler = limiters.get(maxBytes);
    if (!handler) {
      handler = bodyLimit({ maxSize: maxBytes, onError: (c) => tooLarge(c, maxBytes) });
      limiters.set(maxBytes, handler);
    }
    return handler;
  };
  return async (c, next) => {
    const maxBytes = bodyLimitFor(app, c.req.path, defaultBytes);
    // Decided from the headers where they tell the size: hono's bodyLimit looks at `c.req.raw.body`
    // first, which makes @hono/node-server build a full web Request (and a web stream of the body)
    // for every request, GETs included; that was ~8 % of the web chat's CPU. Chunked bodies (no
    // length given) are still counted as they stream, by hono's bodyLimit.
    const chunked = c.req.header('transfer-encoding') !== undefined;
    const length = c.req.header('content-length');
    if (!chunked && length !== undefined) return Number.parseInt(length, 10) > maxBytes ? tooLarge(c, maxBytes) : next();
    // HTTP/1.1: a request with neither header has no body.
    if (!chunked) return next();
    return limiter(maxBytes)(c, next);
  };
}
