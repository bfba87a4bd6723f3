import { createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { SignatureError, ValidationError } from '../../src/errors.js';

// WeChat Pay APIv3 signatures and the notification cipher, on node:crypto alone.
// Request:  SHA256withRSA over `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n` with the merchant key.
// Response and notification: SHA256withRSA over `timestamp\nnonce\nbody\n`, checked with the key the
// `Wechatpay-Serial` header names: a WeChat Pay public key (`PUB_KEY_ID_…`) or a platform certificate.

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
/** WeChat Pay sends its timestamp in seconds; anything further off than this is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface MerchantKey {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
}

export function nonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export function signMessage(privateKey: KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

/** The Authorization header for one request (`pathWithQuery` as sent, body '' for GET). */
export function authorization(key: MerchantKey, method: string, pathWithQuery: string, body: string, timestamp: number, nonceStr = nonce()): string {
  const signature = signMessage(key.privateKey, `${method}\n${pathWithQuery}\n${timestamp}\n${nonceStr}\n${body}\n`);
  return `${AUTH_SCHEMA} mchid="${key.mchid}",nonce_str="${nonceStr}",signature="${signature}",timestamp="${timestamp}",serial_no="${key.serialNo}"`;
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * Checks a response or notification over its raw body. `keys` maps serials (PUB_KEY_ID_… or
 * certificate serials) to public keys. WeChat Pay sends `WECHATPAY/SIGNTEST/…` signatures now and
 * then to probe that merchants really verify: they are ordinary signatures that fail, and fail here.
 */
export function verifySigned(keys: ReadonlyMap<string, KeyObject>, rawBody: string, headers: Record<string, string | undefined>, nowMs: number): void {
  const timestamp = header(headers, 'wechatpay-timestamp')?.trim();
  const nonceStr = header(headers, 'wechatpay-nonce')?.trim();
  const signature = header(headers, 'wechatpay-signature')?.trim();
  const serial = header(headers, 'wechatpay-serial')?.trim();
  if (!timestamp || !nonceStr || !signature || !serial) throw new SignatureError('missing Wechatpay-* signature headers');
  if (!/^\d{1,12}$/.test(timestamp)) throw new SignatureError('malformed Wechatpay-Timestamp');
  const key = keys.get(serial);
  if (!key) throw new SignatureError(`unknown Wechatpay-Serial ${serial.slice(0, 40)}`);
  const ok = createVerify('RSA-SHA256').update(`${timestamp}\n${nonceStr}\n${rawBody}\n`, 'utf8').verify(key, signature, 'base64');
  if (!ok) throw new SignatureError('Wechatpay-Signature does not verify');
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) throw new SignatureError('Wechatpay-Timestamp outside tolerance');
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
}

/** AEAD_AES_256_GCM with the APIv3 key: the tag is the last 16 bytes of the base64 ciphertext. */
export function decryptResource(apiV3Key: Buffer, resource: EncryptedResource): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new ValidationError(`unsupported resource algorithm ${resource.algorithm}`);
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= 16) throw new SignatureError('resource ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', apiV3Key, Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  try {
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new SignatureError('resource does not decrypt with the APIv3 key');
  }
}

/** The parameters WeixinJSBridge `getBrandWCPayRequest` takes for a JSAPI prepay id. */
export function jsapiPayParams(appId: string, prepayId: string, privateKey: KeyObject, timestampSeconds: number, nonceStr = nonce()) {
  const pkg = `prepay_id=${prepayId}`;
  const paySign = signMessage(privateKey, `${appId}\n${timestampSeconds}\n${nonceStr}\n${pkg}\n`);
  return { appId, timeStamp: String(timestampSeconds), nonceStr, package: pkg, signType: 'RSA', paySign };
}
