import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesKeyOf, createWechatCipher, signaturesEqual, wechatSignature, WechatCryptoError } from '../../adapters/wechat/wechat-crypto.js';

// The published WeCom sample (same scheme as the Official Account's safe mode).
const VECTOR = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  plaintext: '1616140317555161061',
  appId: 'wx5823bf96d3bd56c7',
};

describe('WeChat crypto', () => {
  it('computes the published msg_signature over token, timestamp, nonce and the ciphertext', () => {
    expect(wechatSignature(VECTOR.token, VECTOR.timestamp, VECTOR.nonce, VECTOR.echostr)).toBe(VECTOR.msgSignature);
    // Order of the parts does not matter: they are sorted.
    expect(wechatSignature(VECTOR.echostr, VECTOR.nonce, VECTOR.token, VECTOR.timestamp)).toBe(VECTOR.msgSignature);
  });

  it('decrypts the published echostr to its message and app id', () => {
    const cipher = createWechatCipher(VECTOR.encodingAesKey, VECTOR.appId);
    expect(cipher.decrypt(VECTOR.echostr)).toEqual({ message: VECTOR.plaintext, appId: VECTOR.appId });
  });

  it('encrypts to the published ciphertext given the same random prefix, and round-trips Chinese text', () => {
    const cipher = createWechatCipher(VECTOR.encodingAesKey, VECTOR.appId);
    const random = Buffer.from(VECTOR.echostr, 'base64');
    // The sample's random prefix is the first 16 plaintext bytes; recover it by decrypting block one.
    const key = aesKeyOf(VECTOR.encodingAesKey);
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    d.setAutoPadding(false);
    const prefix = d.update(random).subarray(0, 16);
    expect(cipher.encrypt(VECTOR.plaintext, prefix)).toBe(VECTOR.echostr);
    const xml = '<xml><Content><![CDATA[回复 1 网上缴费]]></Content></xml>';
    expect(cipher.decrypt(cipher.encrypt(xml))).toEqual({ message: xml, appId: VECTOR.appId });
  });

  it('pads to 32-byte blocks (a 32-aligned plaintext gets a whole block of padding)', () => {
    const cipher = createWechatCipher(VECTOR.encodingAesKey, 'x'.repeat(12));
    // 16 random + 4 length + 0 message + 12 appid = 32 bytes → 32 bytes of padding → 64 in all.
    expect(Buffer.from(cipher.encrypt(''), 'base64').length).toBe(64);
  });

  it('rejects tampered, truncated and non-base64 ciphertexts with a crypto error', () => {
    const cipher = createWechatCipher(VECTOR.encodingAesKey, VECTOR.appId);
    const bytes = Buffer.from(VECTOR.echostr, 'base64');
    const tampered = Buffer.from(bytes);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0x55, tampered.length - 1);
    expect(() => cipher.decrypt(tampered.toString('base64'))).toThrow(WechatCryptoError);
    expect(() => cipher.decrypt(bytes.subarray(0, 24).toString('base64'))).toThrow(WechatCryptoError);
    expect(() => cipher.decrypt('not base64!')).toThrow(WechatCryptoError);
    expect(() => cipher.decrypt('')).toThrow(WechatCryptoError);
  });

  it('compares signatures in constant time and refuses missing or wrong-length ones', () => {
    expect(signaturesEqual(VECTOR.msgSignature, VECTOR.msgSignature)).toBe(true);
    expect(signaturesEqual(VECTOR.msgSignature, VECTOR.msgSignature.toUpperCase())).toBe(true);
    expect(signaturesEqual(VECTOR.msgSignature, VECTOR.msgSignature.slice(1))).toBe(false);
    expect(signaturesEqual(VECTOR.msgSignature, undefined)).toBe(false);
    expect(signaturesEqual(VECTOR.msgSignature, '0'.repeat(40))).toBe(false);
  });

  it('refuses a malformed EncodingAESKey', () => {
    expect(() => aesKeyOf('short')).toThrow(/43 characters/);
  });
});
