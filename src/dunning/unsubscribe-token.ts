import { createHmac, timingSafeEqual } from 'node:crypto';

// The e-mail's unsubscribe link: the 学号 and an HMAC of it, so the link works without logging in
// (RFC 8058 one-click) and cannot be forged for someone else.

/** The HMAC every signed reminder link carries (DUNNING_LINK_SECRET); `purpose` keeps kinds apart. */
export function linkMac(secret: string, purpose: string, data: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${data}`).digest('base64url').slice(0, 32);
}

/** Compares a link's MAC with the expected one in constant time. */
export function sameMac(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function unsubscribeToken(secret: string, studentId: string): string {
  return `${Buffer.from(studentId).toString('base64url')}.${linkMac(secret, 'dunning-unsubscribe', studentId)}`;
}

/** The 学号 the token was made for, or null when it is malformed or forged. */
export function verifyUnsubscribeToken(secret: string, token: string): string | null {
  const m = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) return null;
  const studentId = Buffer.from(m[1]!, 'base64url').toString('utf8');
  return sameMac(linkMac(secret, 'dunning-unsubscribe', studentId), m[2]!) ? studentId : null;
}
