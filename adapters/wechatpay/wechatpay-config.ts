import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';
import { loadWechatConfig } from '../wechat/wechat-config.js';
import type { OaWebAuthConfig } from './wechatpay-oauth.js';

// WeChat Pay settings. Keys come from files (never from the environment, never logged); every
// problem stops the start with a message naming the variable, not the value.

export interface WechatpayConfig {
  mchid: string;
  appId: string;
  merchantSerialNo: string;
  privateKey: KeyObject;
  apiV3Key: Buffer;
  /** Serial → key: the WeChat Pay public key (PUB_KEY_ID_…) and/or platform certificates. */
  verifyKeys: ReadonlyMap<string, KeyObject>;
  apiBase: string;
  notifyUrl: string;
  timeoutMs: number;
  /**
   * The Official Account's web authorisation, for JSAPI's openid: set when the WeChat channel is
   * configured (WECHAT_APP_ID + WECHAT_APP_SECRET) with the appid WeChat Pay uses; otherwise null and
   * payers inside WeChat get the Native QR (JSAPI needs an openid of WECHATPAY_APPID).
   */
  oaAuth: OaWebAuthConfig | null;
}

const schema = z.object({
  WECHATPAY_MCHID: z.string().regex(/^\d{6,32}$/, 'must be the merchant id (digits)'),
  WECHATPAY_APPID: z.string().regex(/^wx[0-9A-Za-z]{16}$/, 'must be an appid like wx1234567890abcdef'),
  WECHATPAY_MERCHANT_SERIAL_NO: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the merchant certificate serial number (hex)'),
  WECHATPAY_PRIVATE_KEY_FILE: z.string().min(1, 'must name the merchant private key file (apiclient_key.pem)'),
  WECHATPAY_APIV3_KEY: z.string().refine((v) => Buffer.byteLength(v, 'utf8') === 32, 'must be the 32-byte APIv3 key'),
  WECHATPAY_PUBLIC_KEY_ID: z.string().regex(/^PUB_KEY_ID_[0-9A-Za-z_]+$/, 'must look like PUB_KEY_ID_…').optional(),
  WECHATPAY_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  WECHATPAY_PLATFORM_CERT_FILES: z.string().min(1).optional(),
  WECHATPAY_API_BASE: z.string().url().default('https://api.mch.weixin.qq.com'),
  WECHATPAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

function readKeyFile<T>(variable: string, path: string, parse: (pem: string) => T): T {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`Invalid WeChat Pay configuration: ${variable}: cannot read the file`);
  }
  try {
    return parse(pem);
  } catch {
    throw new Error(`Invalid WeChat Pay configuration: ${variable}: the file does not hold a usable PEM key/certificate`);
  }
}

/** Null when WeChat Pay is not among GATEWAYS; otherwise the checked settings or a clear error. */
export function loadWechatpayConfig(env: Record<string, string | undefined>, publicBaseUrl: string): WechatpayConfig {
  const c = parseSettings(schema, env, 'WeChat Pay configuration');
  const verifyKeys = new Map<string, KeyObject>();
  if (c.WECHATPAY_PUBLIC_KEY_ID || c.WECHATPAY_PUBLIC_KEY_FILE) {
    if (!c.WECHATPAY_PUBLIC_KEY_ID || !c.WECHATPAY_PUBLIC_KEY_FILE) {
      throw new Error('Invalid WeChat Pay configuration: WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE go together');
    }
    verifyKeys.set(c.WECHATPAY_PUBLIC_KEY_ID, readKeyFile('WECHATPAY_PUBLIC_KEY_FILE', c.WECHATPAY_PUBLIC_KEY_FILE, (pem) => createPublicKey(pem)));
  }
  for (const file of (c.WECHATPAY_PLATFORM_CERT_FILES ?? '').split(',').map((f) => f.trim()).filter(Boolean)) {
    const cert = readKeyFile('WECHATPAY_PLATFORM_CERT_FILES', file, (pem) => new X509Certificate(pem));
    verifyKeys.set(cert.serialNumber.toUpperCase(), cert.publicKey);
  }
  if (verifyKeys.size === 0) {
    throw new Error('Invalid WeChat Pay configuration: set WECHATPAY_PUBLIC_KEY_ID + WECHATPAY_PUBLIC_KEY_FILE (public key mode) or WECHATPAY_PLATFORM_CERT_FILES (certificate mode)');
  }
  const privateKey = readKeyFile('WECHATPAY_PRIVATE_KEY_FILE', c.WECHATPAY_PRIVATE_KEY_FILE, (pem) => createPrivateKey(pem));
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('Invalid WeChat Pay configuration: WECHATPAY_PRIVATE_KEY_FILE must hold an RSA key');
  return {
    mchid: c.WECHATPAY_MCHID,
    appId: c.WECHATPAY_APPID,
    merchantSerialNo: c.WECHATPAY_MERCHANT_SERIAL_NO.toUpperCase(),
    privateKey,
    apiV3Key: Buffer.from(c.WECHATPAY_APIV3_KEY, 'utf8'),
    verifyKeys,
    apiBase: c.WECHATPAY_API_BASE.replace(/\/+$/, ''),
    // WeChat Pay requires an HTTPS notify_url without a query string.
    notifyUrl: `${publicBaseUrl}/webhooks/gateway/wechatpay`,
    timeoutMs: c.WECHATPAY_TIMEOUT_MS,
    oaAuth: oaAuthOf(env, c.WECHATPAY_APPID, c.WECHATPAY_TIMEOUT_MS),
  };
}

function oaAuthOf(env: Record<string, string | undefined>, payAppId: string, timeoutMs: number): OaWebAuthConfig | null {
  const oa = loadWechatConfig(env);
  if (!oa || oa.appId !== payAppId) return null;
  return { appId: oa.appId, appSecret: oa.appSecret, apiRoot: oa.apiRoot, oauthRoot: oa.oauthRoot, timeoutMs };
}
