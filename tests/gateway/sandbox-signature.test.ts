import { describe, expect, it } from 'vitest';
import {
  NONCE_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signSandboxPayload,
  verifySandboxNotification,
} from '../../adapters/sandbox-gateway/index.js';
import { SignatureError, ValidationError } from '../../src/errors.js';
import { SECRET } from './sandbox-harness.js';

const NOW = Date.UTC(2026, 0, 15, 8, 0, 0);
const notification = { transactionId: 'SBX0123ABCD', orderId: 'ORD-1', amount: 150050, status: 'paid', paidAt: NOW - 1000 } as const;
const body = JSON.stringify(notification);

function signed(rawBody = body, at = NOW, secret = SECRET): Record<string, string | undefined> {
  return { ...signSandboxPayload(secret, rawBody, at) };
}

describe('sandbox notification signature', () => {
  it('accepts a correctly signed notification and returns the parsed body', () => {
    expect(verifySandboxNotification(SECRET, body, signed(), NOW)).toEqual(notification);
  });

  it('signs HMAC-SHA256 over timestamp.nonce.body with unix-second timestamps', async () => {
    const { createHmac } = await import('node:crypto');
    const headers = signSandboxPayload(SECRET, body, NOW, 'ab'.repeat(16));
    expect(headers[TIMESTAMP_HEADER]).toBe(String(NOW / 1000));
    expect(headers[SIGNATURE_HEADER]).toBe(createHmac('sha256', SECRET).update(`${NOW / 1000}.${'ab'.repeat(16)}.${body}`).digest('hex'));
    expect(signSandboxPayload(SECRET, body, NOW)[NONCE_HEADER]).not.toBe(signSandboxPayload(SECRET, body, NOW)[NONCE_HEADER]);
  });

  it('looks headers up case-insensitively', () => {
    const h = signSandboxPayload(SECRET, body, NOW);
    const mixed = { 'X-Sandbox-Timestamp': h[TIMESTAMP_HEADER], 'X-SANDBOX-NONCE': h[NONCE_HEADER], 'X-Sandbox-Signature': h[SIGNATURE_HEADER] };
    expect(verifySandboxNotification(SECRET, body, mixed, NOW).orderId).toBe('ORD-1');
  });

  it('rejects a tampered body', () => {
    const tampered = body.replace('150050', '150051');
    expect(() => verifySandboxNotification(SECRET, tampered, signed(), NOW)).toThrow(SignatureError);
  });

  it('rejects a signature made with another secret', () => {
    expect(() => verifySandboxNotification(SECRET, body, signed(body, NOW, 'another-secret-0123456789abcdef'), NOW)).toThrow(SignatureError);
  });

  it('rejects a tampered timestamp or nonce even with the original signature', () => {
    const h = signed();
    expect(() => verifySandboxNotification(SECRET, body, { ...h, [TIMESTAMP_HEADER]: String(NOW / 1000 + 1) }, NOW)).toThrow(SignatureError);
    expect(() => verifySandboxNotification(SECRET, body, { ...h, [NONCE_HEADER]: 'cd'.repeat(16) }, NOW)).toThrow(SignatureError);
  });

  it('rejects timestamps more than 300 s old or in the future, accepts the edge', () => {
    expect(() => verifySandboxNotification(SECRET, body, signed(body, NOW - 301_000), NOW)).toThrow(SignatureError);
    expect(() => verifySandboxNotification(SECRET, body, signed(body, NOW + 301_000), NOW)).toThrow(SignatureError);
    expect(verifySandboxNotification(SECRET, body, signed(body, NOW - 300_000), NOW).orderId).toBe('ORD-1');
    expect(verifySandboxNotification(SECRET, body, signed(body, NOW + 300_000), NOW).orderId).toBe('ORD-1');
  });

  it.each([TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER])('rejects a request without %s', (name) => {
    const h = signed();
    delete h[name];
    expect(() => verifySandboxNotification(SECRET, body, h, NOW)).toThrow(SignatureError);
    expect(() => verifySandboxNotification(SECRET, body, { ...signed(), [name]: '' }, NOW)).toThrow(SignatureError);
  });

  it('rejects malformed signatures (wrong length, not hex) without throwing anything else', () => {
    const h = signed();
    const sig = h[SIGNATURE_HEADER] ?? '';
    for (const bad of [sig.slice(0, 62), `${sig}00`, `${sig.slice(0, 63)}z`, 'x'.repeat(64)]) {
      expect(() => verifySandboxNotification(SECRET, body, { ...h, [SIGNATURE_HEADER]: bad }, NOW)).toThrow(SignatureError);
    }
    expect(() => verifySandboxNotification(SECRET, body, { ...h, [TIMESTAMP_HEADER]: '1e9' }, NOW)).toThrow(SignatureError);
  });

  it('checks the signature before parsing: an unsigned garbage body is a SignatureError', () => {
    expect(() => verifySandboxNotification(SECRET, '{not json', {}, NOW)).toThrow(SignatureError);
    expect(() => verifySandboxNotification(SECRET, '{not json', signed(body), NOW)).toThrow(SignatureError);
  });

  it('rejects correctly signed bodies with a bad shape', () => {
    const cases = [
      '{not json',
      JSON.stringify({ ...notification, amount: 1500.5 }),
      JSON.stringify({ ...notification, amount: '150050' }),
      JSON.stringify({ ...notification, status: 'refunded' }),
      JSON.stringify({ ...notification, extra: true }),
      JSON.stringify({ orderId: 'ORD-1' }),
    ];
    for (const raw of cases) {
      expect(() => verifySandboxNotification(SECRET, raw, signed(raw), NOW)).toThrow(ValidationError);
    }
    const failed = JSON.stringify({ ...notification, status: 'failed' });
    expect(verifySandboxNotification(SECRET, failed, signed(failed), NOW).status).toBe('failed');
  });

  it('is pure: same answer twice, inputs untouched', () => {
    const h = Object.freeze(signed());
    const copy = { ...h };
    const first = verifySandboxNotification(SECRET, body, h, NOW);
    const second = verifySandboxNotification(SECRET, body, h, NOW);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(h).toEqual(copy);
  });
});
