import { GatewayError } from '../../src/errors.js';
import { authorization, verifySigned, type MerchantKey } from './wechatpay-crypto.js';
import type { WechatpayConfig } from './wechatpay-config.js';

// One signed HTTPS call to the APIv3, its answer verified over the raw body before it is parsed.
// Bounded: a timeout on every call and a cap on what is read back.

const MAX_RESPONSE_BYTES = 256 * 1024;

export interface WechatpayResponse {
  status: number;
  body: Record<string, unknown> | null;
}

export type WechatpayRequest = (method: 'GET' | 'POST', pathWithQuery: string, body?: unknown) => Promise<WechatpayResponse>;

export function createWechatpayTransport(config: WechatpayConfig, deps: { fetch?: typeof fetch; clock: () => number }): WechatpayRequest {
  const doFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const key: MerchantKey = { mchid: config.mchid, serialNo: config.merchantSerialNo, privateKey: config.privateKey };

  return async function request(method, pathWithQuery, body) {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'feebot-wechatpay/1',
      authorization: authorization(key, method, pathWithQuery, payload, Math.floor(deps.clock() / 1000)),
    };
    if (payload) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${config.apiBase}${pathWithQuery}`, {
        method, headers, ...(payload ? { body: payload } : {}), signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (error) {
      throw new GatewayError(`wechatpay: ${method} ${pathWithQuery.split('?')[0]} unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    const raw = await readBounded(res);
    const responseHeaders = Object.fromEntries(res.headers.entries());
    // A 2xx must carry a valid signature; errors are verified when signed (they usually are).
    if (res.ok || responseHeaders['wechatpay-signature']) {
      try {
        verifySigned(config.verifyKeys, raw, responseHeaders, deps.clock());
      } catch (error) {
        throw new GatewayError(`wechatpay: response to ${method} ${pathWithQuery.split('?')[0]} failed verification: ${(error as Error).message}`, true);
      }
    }
    let parsed: Record<string, unknown> | null = null;
    if (raw.length > 0) {
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        throw new GatewayError(`wechatpay: ${res.status} answer is not JSON`, res.status >= 500);
      }
    }
    return { status: res.status, body: parsed };
  };
}

async function readBounded(res: Response): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_RESPONSE_BYTES) throw new GatewayError('wechatpay: response too large', true);
  const buffer = Buffer.from(await res.arrayBuffer());
  if (buffer.length > MAX_RESPONSE_BYTES) throw new GatewayError('wechatpay: response too large', true);
  return buffer.toString('utf8');
}

/** Throws the APIv3 error answer as a GatewayError; 429 and 5xx are worth retrying. */
export function failure(what: string, res: WechatpayResponse): GatewayError {
  const code = typeof res.body?.code === 'string' ? res.body.code : 'UNKNOWN';
  const message = typeof res.body?.message === 'string' ? res.body.message : '';
  return new GatewayError(`wechatpay: ${what} failed with ${res.status} ${code} ${message}`.trim(), res.status === 429 || res.status >= 500);
}

export function errorCode(res: WechatpayResponse): string | undefined {
  return typeof res.body?.code === 'string' ? res.body.code : undefined;
}
