import { createHmac, timingSafeEqual } from 'node:crypto';

// The e-mail's unsubscribe link: the 学号 and an HMAC of it, so the link works without logging in
// (RFC 8058 one-click) and cannot be forged for someone else.

function mac(secret: string, studentId: string): string {
  return createHmac('sha256', secret).update(`dunning-unsubscribe:${studentId}`).digest('base64url').slice(0, 32);
}

export function unsubscribeToken(secret: string, studentId: string): string {
  return `${Buffer.from(studentId).toString('base64url')}.${mac(secret, studentId)}`;
}

/** The 学号 the token was made for, or null when it is malformed or forged. */
export function verifyUnsubscribeToken(secret: string, token: string): string | null {
  const m = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) return null;
  const studentId = Buffer.from(m[1]!, 'base64url').toString('utf8');
  const expected = Buffer.from(mac(secret, studentId));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? studentId : null;
}
