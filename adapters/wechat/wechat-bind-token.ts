import { createHmac, timingSafeEqual } from 'node:crypto';

// The signed, short-lived token in a binding link: `<openid b64url>.<expiry base36>.<HMAC>`. The
// link is shown only in that follower's chat, so holding it means being that follower (until it
// expires); the key is derived from the AppSecret, so nobody else can mint one.

export interface BindTokens {
  mint(openid: string, now: number): string;
  /** The openid, or why not. */
  verify(token: string, now: number): { ok: true; openid: string } | { ok: false; reason: 'invalid' | 'expired' };
}

export function createBindTokens(appSecret: string, ttlMs: number): BindTokens {
  const key = createHmac('sha256', appSecret).update('feebot wechat binding page').digest();
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  return {
    mint(openid, now) {
      const body = `${Buffer.from(openid, 'utf8').toString('base64url')}.${(now + ttlMs).toString(36)}`;
      return `${body}.${sign(body)}`;
    },
    verify(token, now) {
      if (typeof token !== 'string' || token.length > 400) return { ok: false, reason: 'invalid' };
      const parts = token.split('.');
      if (parts.length !== 3) return { ok: false, reason: 'invalid' };
      const [id = '', expiry = '', mac = ''] = parts;
      const expected = Buffer.from(sign(`${id}.${expiry}`));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
      const expiresAt = parseInt(expiry, 36);
      if (!Number.isSafeInteger(expiresAt) || now > expiresAt) return { ok: false, reason: 'expired' };
      const openid = Buffer.from(id, 'base64url').toString('utf8');
      return openid === '' ? { ok: false, reason: 'invalid' } : { ok: true, openid };
    },
  };
}
