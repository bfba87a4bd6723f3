import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

// Alipay settings. Keys come from files (the app private key and the Alipay public key, both as
// PEM or as the bare base64 the Alipay key tool writes); problems stop the start naming the variable.

export interface AlipayConfig {
  appId: string;
  /** The merchant's PID (2088…): notifications must name it as seller_id. */
  sellerId: string;
  privateKeyPem: string;
  keyType: 'PKCS1' | 'PKCS8';
  alipayPublicKeyPem: string;
  gatewayUrl: string;
  notifyUrl: string;
  returnUrl: string;
  timeoutMs: number;
}

const schema = z.object({
  ALIPAY_APP_ID: z.string().regex(/^\d{16}$/, 'must be the 16-digit app id'),
  ALIPAY_SELLER_ID: z.string().regex(/^2088\d{12}$/, 'must be the merchant PID (2088 + 12 digits)'),
  ALIPAY_PRIVATE_KEY_FILE: z.string().min(1, 'must name the app private key file'),
  ALIPAY_PUBLIC_KEY_FILE: z.string().min(1, 'must name the Alipay public key file'),
  ALIPAY_GATEWAY_URL: z.string().url().default('https://openapi.alipay.com/gateway.do'),
  ALIPAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

function read(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new Error(`Invalid Alipay configuration: ${variable}: cannot read the file`);
  }
}

function pem(body: string, label: string): string {
  return body.includes('-----BEGIN') ? body : `-----BEGIN ${label}-----\n${body.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----`;
}

/** The app private key as PEM plus its type (the SDK needs to know PKCS#1 from PKCS#8). */
function privateKey(text: string): { pem: string; keyType: 'PKCS1' | 'PKCS8' } {
  const candidates: { pem: string; keyType: 'PKCS1' | 'PKCS8' }[] = text.includes('BEGIN RSA PRIVATE KEY')
    ? [{ pem: text, keyType: 'PKCS1' }]
    : text.includes('BEGIN PRIVATE KEY')
      ? [{ pem: text, keyType: 'PKCS8' }]
      : [{ pem: pem(text, 'PRIVATE KEY'), keyType: 'PKCS8' }, { pem: pem(text, 'RSA PRIVATE KEY'), keyType: 'PKCS1' }];
  for (const c of candidates) {
    try {
      if (createPrivateKey(c.pem).asymmetricKeyType === 'rsa') return c;
    } catch {
      // try the next form
    }
  }
  throw new Error('Invalid Alipay configuration: ALIPAY_PRIVATE_KEY_FILE: the file does not hold an RSA private key');
}

export function loadAlipayConfig(env: Record<string, string | undefined>, publicBaseUrl: string): AlipayConfig {
  const c = parseSettings(schema, env, 'Alipay configuration');
  const key = privateKey(read('ALIPAY_PRIVATE_KEY_FILE', c.ALIPAY_PRIVATE_KEY_FILE));
  const publicPem = pem(read('ALIPAY_PUBLIC_KEY_FILE', c.ALIPAY_PUBLIC_KEY_FILE), 'PUBLIC KEY');
  try {
    createPublicKey(publicPem);
  } catch {
    throw new Error('Invalid Alipay configuration: ALIPAY_PUBLIC_KEY_FILE: the file does not hold a public key');
  }
  return {
    appId: c.ALIPAY_APP_ID,
    sellerId: c.ALIPAY_SELLER_ID,
    privateKeyPem: key.pem,
    keyType: key.keyType,
    alipayPublicKeyPem: publicPem,
    gatewayUrl: c.ALIPAY_GATEWAY_URL,
    notifyUrl: `${publicBaseUrl}/webhooks/gateway/alipay`,
    returnUrl: `${publicBaseUrl}/checkout/done`,
    timeoutMs: c.ALIPAY_TIMEOUT_MS,
  };
}
