import { describe, expect, it } from 'vitest';
import { payLinkToken, PAY_LINK_TTL_MS, verifyPayLinkToken } from '../../src/dunning/pay-link-token.js';
import { unsubscribeToken } from '../../src/dunning/unsubscribe-token.js';

const SECRET = 'pay-link-secret-0123456789';
const NOW = Date.parse('2026-12-02T10:00:00Z');

describe('signed 网上缴费 link token', () => {
  it('carries the 学号 until it expires; its key is stable and differs per reminder', () => {
    const token = payLinkToken(SECRET, '2023010101', '7', NOW + PAY_LINK_TTL_MS);
    const verdict = verifyPayLinkToken(SECRET, token, NOW + PAY_LINK_TTL_MS - 1);
    expect(verdict).toEqual({ ok: true, studentId: '2023010101', key: expect.stringMatching(/^[\w-]{32}$/) });
    const again = verifyPayLinkToken(SECRET, payLinkToken(SECRET, '2023010101', '7', NOW + PAY_LINK_TTL_MS), NOW);
    const other = verifyPayLinkToken(SECRET, payLinkToken(SECRET, '2023010101', '8', NOW + PAY_LINK_TTL_MS), NOW);
    expect(again.ok && verdict.ok && again.key === verdict.key).toBe(true);
    expect(other.ok && verdict.ok && other.key !== verdict.key).toBe(true);
  });

  it('is refused as expired from its expiry on', () => {
    const token = payLinkToken(SECRET, '2023010101', '7', NOW);
    expect(verifyPayLinkToken(SECRET, token, NOW)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is refused as tampered when any part is changed, signed with another secret, or malformed', () => {
    const token = payLinkToken(SECRET, '2023010101', '7', NOW + PAY_LINK_TTL_MS);
    const [sid, exp, ref, mac] = token.split('.') as [string, string, string, string];
    const forged = [
      [Buffer.from('2024020201').toString('base64url'), exp, ref, mac],
      [sid, (parseInt(exp, 36) + 1000).toString(36), ref, mac],
      [sid, exp, '8', mac],
      [sid, exp, ref, `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`],
    ].map((parts) => parts.join('.'));
    for (const t of [...forged, payLinkToken('another-secret-0123456789', '2023010101', '7', NOW + PAY_LINK_TTL_MS), '', 'x.y', `${token}.x`]) {
      expect(verifyPayLinkToken(SECRET, t, NOW)).toEqual({ ok: false, reason: 'tampered' });
    }
  });

  it('an unsubscribe token (same secret) is not a pay link', () => {
    expect(verifyPayLinkToken(SECRET, unsubscribeToken(SECRET, '2023010101'), NOW).ok).toBe(false);
  });
});
