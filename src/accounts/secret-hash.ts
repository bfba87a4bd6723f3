import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// How account secrets are kept: link tokens (256 random bits) as a plain SHA-256, which is
// enough for that much entropy; short secrets (6-digit codes, captcha answers) as a salted
// HMAC, so equal codes never share a stored value. Neither is ever stored or logged in clear.

/** `bytes` random bytes as base64url (32 → 43 characters). */
export function newUrlToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const mac = (salt: string, secret: string): Buffer => createHmac('sha256', salt).update(secret, 'utf8').digest();

/** `<salt>$<hmac>` for a short secret. */
export function hashShortSecret(secret: string): string {
  const salt = randomBytes(16).toString('base64url');
  return `${salt}$${mac(salt, secret).toString('base64url')}`;
}

export function verifyShortSecret(secret: string, stored: string): boolean {
  const [salt, expected, extra] = stored.split('$');
  if (!salt || !expected || extra !== undefined) return false;
  const want = Buffer.from(expected, 'base64url');
  const got = mac(salt, secret);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Full-width digits and letters (typed with a Chinese IME) become ASCII; spaces go. */
export function normalizeTypedCode(input: string): string {
  return input.normalize('NFKC').replace(/\s+/g, '');
}
