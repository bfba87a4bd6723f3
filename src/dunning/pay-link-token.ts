import { linkMac, sameMac } from './unsubscribe-token.js';

// The reminder's 网上缴费 link to the web chat: the 学号, an expiry and the reminder it came with,
// signed like the unsubscribe link. It only steers the chat to that student's login and then to
// 网上缴费; it never logs anyone in. Its use is recorded once (pay_link_uses, keyed by the MAC).

export const PAY_LINK_TTL_MS = 14 * 24 * 3_600_000;
const PURPOSE = 'dunning-pay';

export type PayLinkVerdict = { ok: true; studentId: string; key: string } | { ok: false; reason: 'tampered' | 'expired' };

/** `ref` tells links apart (the reminder's id): one token per reminder, whatever its channels. */
export function payLinkToken(secret: string, studentId: string, ref: string, expiresAt: number): string {
  const data = `${Buffer.from(studentId).toString('base64url')}.${Math.floor(expiresAt / 1000).toString(36)}.${ref}`;
  return `${data}.${linkMac(secret, PURPOSE, data)}`;
}

export function verifyPayLinkToken(secret: string, token: string, now: number): PayLinkVerdict {
  const m = /^(([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{1,32}))\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m || !sameMac(linkMac(secret, PURPOSE, m[1]!), m[5]!)) return { ok: false, reason: 'tampered' };
  // Checked after the MAC, so an expired link cannot be told from a forged one by its expiry field.
  if (parseInt(m[3]!, 36) * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, studentId: Buffer.from(m[2]!, 'base64url').toString('utf8'), key: m[5]! };
}
