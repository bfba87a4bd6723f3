import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// WeChat's message signatures and "safe mode" encryption (the same scheme as WeCom's samples):
// AES-256-CBC, key = base64(EncodingAESKey + '='), IV = the key's first 16 bytes, PKCS#7 padding
// to 32-byte blocks, plaintext = random(16) ‖ length (4 bytes, big-endian) ‖ message ‖ appid.

const BLOCK = 32;

/** sha1 of the sorted parts joined: `signature` (token, timestamp, nonce) and `msg_signature` (+ Encrypt). */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time comparison of two hex signatures (any length or case mismatch is false). */
export function signaturesEqual(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(given.toLowerCase(), 'utf8'));
}

/** The 32-byte AES key from the 43-character EncodingAESKey; throws on a malformed one. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new Error('EncodingAESKey must be 43 characters of A-Z a-z 0-9 + /');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey does not decode to 32 bytes');
  return key;
}

export class WechatCryptoError extends Error {}

export interface WechatCipher {
  /** Base64 ciphertext of `message` for this app id (random prefix unless one is given, for tests). */
  encrypt(message: string, random?: Buffer): string;
  /** The message and the app id it was encrypted for; throws WechatCryptoError on anything malformed. */
  decrypt(base64: string): { message: string; appId: string };
}

export function createWechatCipher(encodingAesKey: string, appId: string): WechatCipher {
  const key = aesKeyOf(encodingAesKey);
  const iv = key.subarray(0, 16);
  return {
    encrypt(message, random = randomBytes(16)) {
      if (random.length !== 16) throw new Error('random prefix must be 16 bytes');
      const body = Buffer.from(message, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length, 0);
      const plain = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
      return aes(plain, key, iv);
    },
    decrypt(base64) {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new WechatCryptoError('ciphertext is not base64');
      const data = Buffer.from(base64, 'base64');
      if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('ciphertext length is not a whole number of blocks');
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-cbc', key, iv);
        decipher.setAutoPadding(false);
        plain = Buffer.concat([decipher.update(data), decipher.final()]);
      } catch {
        throw new WechatCryptoError('ciphertext does not decrypt');
      }
      const pad = plain[plain.length - 1] ?? 0;
      if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('bad padding');
      for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WechatCryptoError('bad padding');
      const content = plain.subarray(16, plain.length - pad);
      if (content.length < 4) throw new WechatCryptoError('plaintext too short');
      const length = content.readUInt32BE(0);
      if (length > content.length - 4) throw new WechatCryptoError('length field exceeds the plaintext');
      return { message: content.subarray(4, 4 + length).toString('utf8'), appId: content.subarray(4 + length).toString('utf8') };
    },
  };
}

function aes(plain: Buffer, key: Buffer, iv: Buffer): string {
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}
