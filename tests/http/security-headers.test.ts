import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

// Every response, page or not, carries the anti-framing and no-leak headers; every HTML page's CSP
// names each inline <style>/<script> by hash and allows no inline code otherwise.

let t: TestFeebot;
beforeAll(async () => {
  t = await startTestFeebot();
});
afterAll(async () => {
  await t?.stop();
});

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function expectSecurityHeaders(res: Response, path: string): string {
  expect(res.headers.get('x-frame-options'), path).toBe('DENY');
  expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, path).toMatch(/(^|;)\s*frame-ancestors 'none'/);
  return csp;
}

/** What the browser will enforce: inline blocks only by hash, no inline handlers, no javascript: URLs. */
function expectInlineCodeAllowedByHash(html: string, csp: string, path: string): void {
  expect(csp, path).not.toContain("'unsafe-inline'");
  for (const [, tag, body] of html.matchAll(/<(style|script)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/g)) {
    if (body!.length === 0) continue;
    const directive = tag === 'style' ? 'style-src' : 'script-src';
    const sources = new RegExp(`${directive}([^;]*)`).exec(csp)?.[1] ?? '';
    expect(sources, `${path}: inline <${tag}> needs its hash in ${directive}`).toContain(hashOf(body!));
  }
  expect(html, path).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html, path).not.toMatch(/javascript:/i);
}

describe('security headers', () => {
  it.each([
    '/',
    '/reset-password?token=not-a-token',
    `/receipts/${'A'.repeat(32)}`,
    '/dev/mailbox',
    '/sandbox-gateway/help',
    '/sandbox-gateway/pay/unknown-order',
  ])('page %s: headers, and inline code only by hash', async (path) => {
    const res = await fetch(`${t.baseUrl}${path}`);
    expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
    const csp = expectSecurityHeaders(res, path);
    expectInlineCodeAllowedByHash(await res.text(), csp, path);
  });

  it.each(['/web/chat.js', '/web/chat.css', '/healthz', '/api/chat/messages?wait=0', '/no-such-page', '/dev/mailbox/999/html'])(
    'GET %s: headers on assets, JSON and errors too',
    async (path) => {
      expectSecurityHeaders(await fetch(`${t.baseUrl}${path}`), path);
    },
  );

  it('on refused and failed POSTs too (400, 413)', async () => {
    const bad = await fetch(`${t.baseUrl}/webhooks/gateway/sandbox`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expectSecurityHeaders(bad, 'notification');
    const big = await fetch(`${t.baseUrl}/api/chat/send`, { method: 'POST', headers: { 'x-chat-token': 'c'.repeat(40) }, body: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    expectSecurityHeaders(big, '413');
  });

  it('the web chat page may load only its own script, style and data: images, and talk only to itself', async () => {
    const csp = (await fetch(`${t.baseUrl}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain('img-src data:');
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
  });
});
