import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

// Headers every response carries, set by one app-level middleware that wraps everything (errors,
// 404s and 413s included). Pages set their own Content-Security-Policy naming exactly what they load
// (inline <style>/<script> by hash, never 'unsafe-inline'); anything else gets a CSP that allows
// nothing. Whatever a route set, the answer cannot be framed: frame-ancestors 'none' is added when
// a route's policy lacks it, and X-Frame-Options covers browsers that predate CSP.

export const SECURITY_HEADERS: Record<string, string> = {
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/** For JSON, assets and anything that did not say: nothing may load, run or frame it. */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A CSP source for an inline <style> or <script> whose text content is exactly `text`. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
    const csp = headers.get('Content-Security-Policy');
    if (!csp) headers.set('Content-Security-Policy', DEFAULT_CSP);
    else if (!/(^|;)\s*frame-ancestors\s/i.test(csp)) headers.set('Content-Security-Policy', `${csp}; frame-ancestors 'none'`);
  };
}
