import { afterEach, describe, expect, it } from 'vitest';
import { loadWechatpayConfig } from '../../adapters/wechatpay/wechatpay-config.js';
import { createOaWebAuth } from '../../adapters/wechatpay/wechatpay-oauth.js';
import { rfc3339Beijing } from '../../adapters/wechatpay/wechatpay-gateway.js';
import { GatewayError, SignatureError } from '../../src/errors.js';
import type { GatewayOrderInput } from '../../src/ports/gateway.port.js';
import { setupWechatpay, WX, type WechatpaySetup } from './fakes/wechatpay-harness.js';

// The WeChat Pay adapter against the fake APIv3: both verification modes, the signature probe,
// error answers, and the settings checks. The money flows are in the gateway contract suite.

const clock = { now: Date.UTC(2026, 8, 1, 2, 0, 0) };
let s: WechatpaySetup | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

const input = (over: Partial<GatewayOrderInput> = {}): GatewayOrderInput => ({
  orderId: 'FB20260901100000ABCDEF', amount: 150_050, subject: '2025-2026 学费', studentId: '2023010101', payerName: '张三', expiresAt: clock.now + 30 * 60_000, ...over,
});

describe.each(['publicKey', 'certificate'] as const)('WeChat Pay adapter (%s mode)', (mode) => {
  it('signs requests the API accepts, verifies its signed answers, and reads a paid notification', async () => {
    s = await setupWechatpay({ mode, clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    const order = await s.gateway.createOrder(input());
    expect(order.qrPayload).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(s.fake.orders.get('FB20260901100000ABCDEF')!.body).toMatchObject({
      mchid: WX.mchid, appid: WX.appId, time_expire: '2026-09-01T10:30:00+08:00', notify_url: 'https://fees.example.edu/webhooks/gateway/wechatpay', amount: { total: 150_050, currency: 'CNY' },
    });
    const { rawBody, headers } = s.fake.pay('FB20260901100000ABCDEF');
    const n = s.gateway.verifyNotification(rawBody, headers, clock.now);
    expect(n).toMatchObject({ kind: 'payment', payment: { orderId: 'FB20260901100000ABCDEF', amount: 150_050, status: 'paid', gateway: 'wechatpay' } });
    expect(await s.gateway.queryOrder('FB20260901100000ABCDEF')).toMatchObject({ status: 'paid', amount: 150_050 });
  });

  it('refuses a WECHATPAY/SIGNTEST probe (answer and notification) and a tampered ciphertext', async () => {
    s = await setupWechatpay({ mode, clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    await s.gateway.createOrder(input());
    s.fake.probeNextSignature();
    await expect(s.gateway.queryOrder('FB20260901100000ABCDEF')).rejects.toThrow(/verification/);
    s.fake.probeNextSignature();
    const probed = s.fake.pay('FB20260901100000ABCDEF');
    expect(probed.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    expect(() => s!.gateway.verifyNotification(probed.rawBody, probed.headers, clock.now)).toThrow(SignatureError);
    // Same body, re-signed correctly, but the ciphertext flipped: the signature catches it first.
    const body = JSON.parse(probed.rawBody) as { resource: { ciphertext: string } };
    body.resource.ciphertext = `${body.resource.ciphertext.startsWith('A') ? 'B' : 'A'}${body.resource.ciphertext.slice(1)}`;
    const tampered = JSON.stringify(body);
    expect(() => s!.gateway.verifyNotification(tampered, probed.headers, clock.now)).toThrow(SignatureError);
    // Correctly signed, but encrypted content tampered: AES-GCM's tag refuses it.
    expect(() => s!.gateway.verifyNotification(tampered, s!.fake.signAt(tampered, clock.now), clock.now)).toThrow(/decrypt/);
  });
});

describe('WeChat Pay adapter errors and settings', () => {
  it('a 500 SYSTEM_ERROR or 429 is retryable, a 4xx business error is not; unknown orders are unknown', async () => {
    s = await setupWechatpay({ mode: 'publicKey', clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    s.fake.failNext(500, 'SYSTEM_ERROR');
    const e1 = await s.gateway.createOrder(input()).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(GatewayError);
    expect((e1 as GatewayError).retryable).toBe(true);
    s.fake.failNext(429, 'FREQUENCY_LIMITED');
    expect(((await s.gateway.createOrder(input()).catch((e: unknown) => e)) as GatewayError).retryable).toBe(true);
    await s.gateway.createOrder(input());
    const e3 = (await s.gateway.createOrder(input({ amount: 1 })).catch((e: unknown) => e)) as GatewayError;
    expect(e3.retryable).toBe(false);
    expect(e3.message).toMatch(/INVALID_REQUEST/);
    expect(await s.gateway.queryOrder('FB00000000000000NOSUCH')).toEqual({ status: 'unknown' });
    await expect(s.gateway.createOrder(input({ orderId: 'bad id!' }))).rejects.toThrow(/out_trade_no/);
  });

  it('JSAPI: a prepay id becomes WeixinJSBridge parameters signed with the merchant key', async () => {
    s = await setupWechatpay({ mode: 'publicKey', clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    const params = await s.gateway.createJsapiOrder(input(), 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
    expect(params).toMatchObject({ appId: WX.appId, signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
    expect(s.fake.orders.get('FB20260901100000ABCDEF')!.body.payer).toEqual({ openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' });
  });

  it('validates settings at start with messages that name the variable and never echo a secret', async () => {
    s = await setupWechatpay({ mode: 'publicKey', clock: () => clock.now, publicBaseUrl: 'https://x' });
    const env = s.env;
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_APIV3_KEY: 'short-secret-value' }, 'https://x')).toThrow(/WECHATPAY_APIV3_KEY/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_APIV3_KEY: 'short-secret-value' }, 'https://x')).not.toThrow(/short-secret-value/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_PRIVATE_KEY_FILE: '/nonexistent/key.pem' }, 'https://x')).toThrow(/WECHATPAY_PRIVATE_KEY_FILE: cannot read/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_PUBLIC_KEY_FILE: env.WECHATPAY_APIV3_KEY_FILE ?? s!.keys.write('junk.pem', 'junk') }, 'https://x')).toThrow(/WECHATPAY_PUBLIC_KEY_FILE: the file does not hold/);
    const { WECHATPAY_PUBLIC_KEY_ID: _id, WECHATPAY_PUBLIC_KEY_FILE: _file, ...noVerifier } = env;
    expect(() => loadWechatpayConfig(noVerifier, 'https://x')).toThrow(/public key mode.*certificate mode/);
  });

  it('JSAPI openid through the OA web authorisation only when the WeChat channel uses the same appid', async () => {
    s = await setupWechatpay({ mode: 'publicKey', clock: () => clock.now, publicBaseUrl: 'https://x' });
    const env = s.env;
    const oa = { WECHAT_APP_ID: env.WECHATPAY_APPID!, WECHAT_APP_SECRET: 'oa-secret', WECHAT_TOKEN: 'feebottoken', WECHAT_OAUTH_ROOT: 'https://open.example.test/' };
    expect(loadWechatpayConfig(env, 'https://x').oaAuth).toBeNull();
    expect(loadWechatpayConfig({ ...env, ...oa }, 'https://x').oaAuth).toEqual({
      appId: env.WECHATPAY_APPID, appSecret: 'oa-secret', apiRoot: 'https://api.weixin.qq.com', oauthRoot: 'https://open.example.test', timeoutMs: 10_000,
    });
    // Another OA's openids cannot pay for this appid: no authorisation, payers in WeChat get the QR.
    expect(loadWechatpayConfig({ ...env, ...oa, WECHAT_APP_ID: 'wx0000000000000000' }, 'https://x').oaAuth).toBeNull();
    const auth = createOaWebAuth(loadWechatpayConfig({ ...env, ...oa }, 'https://x').oaAuth!);
    expect(auth.authorizeUrl('https://fees.example.edu/checkout/FB1/payer-auth?t=a-b_c', 'abc123')).toBe(
      `https://open.example.test/connect/oauth2/authorize?appid=${env.WECHATPAY_APPID}&redirect_uri=https%3A%2F%2Ffees.example.edu%2Fcheckout%2FFB1%2Fpayer-auth%3Ft%3Da-b_c&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect`,
    );
    expect(auth.wanted({ userAgent: 'Mozilla/5.0 MicroMessenger/8.0.49' })).toBe(true);
    expect(auth.wanted({ userAgent: 'Mozilla/5.0 MicroMessenger/8.0.49', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })).toBe(false);
    expect(auth.wanted({ userAgent: 'Mozilla/5.0 Chrome/120' })).toBe(false);
  });

  it('writes time_expire in Beijing time', () => {
    expect(rfc3339Beijing(Date.UTC(2026, 11, 31, 16, 30, 5, 999))).toBe('2027-01-01T00:30:05+08:00');
  });
});
