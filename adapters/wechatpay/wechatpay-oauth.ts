import { GatewayError } from '../../src/errors.js';
import type { PayerAuth } from '../../src/ports/gateway.port.js';

// The payer's openid for JSAPI, through the Official Account's web authorisation with scope
// snsapi_base (silent: no consent page, only the openid). The browser goes to
// open.weixin.qq.com/connect/oauth2/authorize and comes back with ?code=&state=; the code (single
// use, 5 minutes) is exchanged at sns/oauth2/access_token with the OA's appid and secret. The
// openid belongs to the OA's appid, which must be the appid WeChat Pay orders are placed with.

export interface OaWebAuthConfig {
  appId: string;
  appSecret: string;
  /** https://api.weixin.qq.com (WECHAT_API_ROOT). */
  apiRoot: string;
  /** https://open.weixin.qq.com (WECHAT_OAUTH_ROOT). */
  oauthRoot: string;
  timeoutMs: number;
}

const IN_WECHAT = /MicroMessenger/i;
const OPENID = /^[0-9A-Za-z_-]{8,128}$/;
/** WeChat returns codes of letters and digits; anything else is not worth a request. */
const CODE = /^[0-9A-Za-z_-]{1,128}$/;
const MAX_RESPONSE_BYTES = 16 * 1024;

export function createOaWebAuth(config: OaWebAuthConfig, deps: { fetch?: typeof fetch } = {}): PayerAuth {
  const doFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    wanted: (payer) => IN_WECHAT.test(payer.userAgent) && !payer.openid,

    authorizeUrl(redirectUri, state) {
      // The parameter order is the documented one; #wechat_redirect is required when arriving by a 302.
      const query = `appid=${encodeURIComponent(config.appId)}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_base&state=${encodeURIComponent(state)}`;
      return `${config.oauthRoot}/connect/oauth2/authorize?${query}#wechat_redirect`;
    },

    async exchange(code) {
      if (!CODE.test(code)) return null;
      const url = `${config.apiRoot}/sns/oauth2/access_token?appid=${encodeURIComponent(config.appId)}&secret=${encodeURIComponent(config.appSecret)}&code=${encodeURIComponent(code)}&grant_type=authorization_code`;
      let res: Response;
      try {
        res = await doFetch(url, { signal: AbortSignal.timeout(config.timeoutMs) });
      } catch (error) {
        throw new GatewayError(`wechat oauth: sns/oauth2/access_token unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
      }
      const raw = Buffer.from(await res.arrayBuffer());
      if (raw.length > MAX_RESPONSE_BYTES) throw new GatewayError('wechat oauth: response too large', true);
      let body: { openid?: unknown; errcode?: unknown; errmsg?: unknown; is_snapshotuser?: unknown };
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        throw new GatewayError(`wechat oauth: ${res.status} answer is not JSON`, true);
      }
      // 40029 invalid code, 40163 code been used: the payer simply pays by QR; other errcodes (a wrong
      // secret, 40125) are configuration faults and said loudly.
      if (typeof body.errcode === 'number' && body.errcode !== 0) {
        if (body.errcode === 40029 || body.errcode === 40163) return null;
        throw new GatewayError(`wechat oauth: errcode ${body.errcode} ${typeof body.errmsg === 'string' ? body.errmsg : ''}`.trim(), body.errcode === -1);
      }
      // A user on a "snapshot page" (opened from Moments without entering) gets a virtual openid that cannot pay.
      if (body.is_snapshotuser === 1) return null;
      return typeof body.openid === 'string' && OPENID.test(body.openid) ? body.openid : null;
    },
  };
}
