import type { Hono } from 'hono';
import { LOGO_MAX_BYTES, LOGO_PATH, type Branding } from '../branding.js';

/**
 * GET /branding/logo — the university's logo, read once at start (at most LOGO_MAX_BYTES, checked
 * when the configuration is loaded). An SVG may carry script: it is served with a CSP that runs none.
 */
export function mountLogoRoute(app: Hono, branding: Branding): void {
  const logo = branding.logo;
  if (!logo || logo.bytes.length > LOGO_MAX_BYTES) return;
  const body = new Uint8Array(logo.bytes);
  app.get(LOGO_PATH, (c) =>
    c.body(body, 200, {
      'content-type': logo.contentType,
      'cache-control': 'public, max-age=86400',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }),
  );
}
