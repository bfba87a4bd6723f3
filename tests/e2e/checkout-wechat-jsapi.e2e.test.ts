import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupWechatpay, WX, type WechatpaySetup } from '../gateway/fakes/wechatpay-harness.js';
import { createOaWebAuth } from '../../adapters/wechatpay/index.js';
import { launchChromium } from '../support/browser.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';
import { startFakeWechatApi, type FakeWechatApi } from '../wechat/fake-wechat-api.js';

// WeChat Pay JSAPI inside WeChat's browser: the checkout page gets the payer's openid through the
// OA's web authorisation (snsapi_base) — a 302 to open.weixin.qq.com/connect/oauth2/authorize, back
// with ?code=&state=, code → openid at sns/oauth2/access_token — and places the JSAPI order for that
// openid. In Chromium with WeChat's user agent, against the fake WeChat (OA + Pay) servers.

const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN';
const PAYER_OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

let app: TestFeebot;
let browser: Browser;
let wx: WechatpaySetup;
let oa: FakeWechatApi;
/** A pending order nobody has paid (from the Native test), for the refusals. */
let spare: { orderId: string; payUrl: string };

beforeAll(async () => {
  wx = await setupWechatpay({ mode: 'publicKey', clock: Date.now, publicBaseUrl: 'http://unused.test' });
  oa = await startFakeWechatApi(WX.appId, 'oa-app-secret-for-the-jsapi-test');
  app = await startTestFeebot({
    AGREEMENT_SECONDS: '0', GATEWAYS: 'wechatpay', CHECKOUT_SECRET: 'checkout-secret-for-the-jsapi-test',
    WECHAT_APP_ID: WX.appId, WECHAT_APP_SECRET: oa.appSecret, WECHAT_TOKEN: 'feebotjsapitest', WECHAT_API_ROOT: oa.apiRoot, WECHAT_OAUTH_ROOT: oa.apiRoot,
    WECHAT_CREATE_MENU: 'false', ...wx.env,
  });
  // The OA's 网页授权域名 is feebot's host.
  oa.webAuth.domain = new URL(app.baseUrl).host;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await oa?.close();
  await wx?.close();
});

async function newOrder(studentId: string): Promise<{ orderId: string; payUrl: string }> {
  const chat = createWebChatClient(app.baseUrl);
  await login(chat, studentId);
  const tail = await placeOrder(chat);
  return { orderId: tail.split('?')[0]!, payUrl: `${app.baseUrl}/checkout/${tail}` };
}

/** WeChat's browser: its user agent, and a WeixinJSBridge that records what the page asks it to pay. */
async function wechatBrowser(): Promise<BrowserContext> {
  const context = await browser.newContext({ userAgent: WECHAT_UA, locale: 'zh-CN' });
  await context.addInitScript(() => {
    (window as unknown as { WeixinJSBridge: unknown }).WeixinJSBridge = {
      invoke(name: string, params: unknown) {
        sessionStorage.setItem('bridge', JSON.stringify({ name, params }));
      },
    };
  });
  return context;
}

describe('WeChat Pay JSAPI with the openid from the OA web authorisation', () => {
  it('inside WeChat: authorised silently, JSAPI offered and placed for that openid; remembered on the next visit', async () => {
    const { orderId, payUrl } = await newOrder('2024020201');
    const context = await wechatBrowser();
    const page = await context.newPage();
    await page.goto(payUrl);
    expect(page.url()).toContain('oa=1');
    // WeChat was asked exactly as documented, and the code exchanged server-side with the OA's secret.
    const authorize = oa.webAuthCalls.filter((c) => c.method === 'authorize');
    expect(authorize).toHaveLength(1);
    expect(authorize[0]!.params).toMatchObject({ appid: WX.appId, response_type: 'code', scope: 'snsapi_base', redirect_uri: `${app.baseUrl}/checkout/${orderId}/payer-auth?t=${new URL(payUrl).searchParams.get('t')}` });
    expect(authorize[0]!.params.state).toMatch(/^[0-9a-f]{32}$/);
    const exchange = oa.webAuthCalls.filter((c) => c.method === 'access_token');
    expect(exchange).toHaveLength(1);
    expect(exchange[0]!.params).toMatchObject({ appid: WX.appId, secret: oa.appSecret, grant_type: 'authorization_code' });
    // The openid is kept only in a signed, HttpOnly cookie, never in a URL.
    const cookie = (await context.cookies()).find((c) => c.name === 'feebot_payer');
    expect(cookie).toMatchObject({ httpOnly: true, path: '/checkout' });
    expect(cookie!.value.startsWith(`${PAYER_OPENID}.`)).toBe(true);
    expect(page.url()).not.toContain(PAYER_OPENID);

    expect(await page.locator('button.method').allTextContents()).toEqual([expect.stringContaining('微信支付')]);
    await page.locator('#pay-wechatpay-jsapi').click();
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('bridge')), { timeout: 10_000 }).not.toBeNull();
    const bridge = JSON.parse((await page.evaluate(() => sessionStorage.getItem('bridge')))!) as { name: string; params: Record<string, string> };
    const order = wx.fake.orders.get(orderId)!;
    expect(order.kind).toBe('jsapi');
    expect(order.body.payer).toEqual({ openid: PAYER_OPENID });
    expect(bridge.name).toBe('getBrandWCPayRequest');
    expect(bridge.params).toMatchObject({ appId: WX.appId, package: `prepay_id=${order.prepayId}`, signType: 'RSA' });

    // The next order in the same browser: no second trip to WeChat, JSAPI straight away.
    const next = await newOrder('2023010101');
    await page.goto(next.payUrl);
    expect(page.url()).not.toContain('oa=1');
    expect(oa.webAuthCalls.filter((c) => c.method === 'authorize')).toHaveLength(1);
    expect(await page.locator('#pay-wechatpay-jsapi').count()).toBe(1);
    await context.close();
  }, 90_000);

  it('outside WeChat: no authorisation, the Native QR', async () => {
    spare = await newOrder('2025030301');
    const { payUrl } = spare;
    const before = oa.webAuthCalls.length;
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(payUrl);
    expect(oa.webAuthCalls.length).toBe(before);
    expect(await page.locator('#pay-wechatpay-native').count()).toBe(1);
    expect(await page.locator('#pay-wechatpay-jsapi').count()).toBe(0);
    await context.close();
  }, 60_000);

  it('a forged state, a forged payer cookie, a used code and a snapshot-page user never yield JSAPI; the page falls back to the QR', async () => {
    const { orderId, payUrl } = spare;
    const token = new URL(payUrl).searchParams.get('t')!;
    const headers = { 'user-agent': WECHAT_UA };
    const exchangesBefore = oa.webAuthCalls.filter((c) => c.method === 'access_token').length;

    // The answer of an authorisation this browser did not start (no state cookie): nothing exchanged, no cookie.
    const forged = await fetch(`${app.baseUrl}/checkout/${orderId}/payer-auth?t=${token}&code=abc123&state=00112233445566778899aabbccddeeff`, { headers, redirect: 'manual' });
    expect(forged.status).toBe(302);
    expect(forged.headers.get('location')).toBe(`/checkout/${orderId}?t=${token}&oa=1`);
    expect(forged.headers.get('set-cookie') ?? '').not.toContain('feebot_payer=');
    expect(oa.webAuthCalls.filter((c) => c.method === 'access_token').length).toBe(exchangesBefore);
    // A wrong link token opens nothing.
    expect((await fetch(`${app.baseUrl}/checkout/${orderId}/payer-auth?t=x&code=abc&state=abc`, { headers, redirect: 'manual' })).status).toBe(404);

    // A payer cookie feebot did not sign is ignored: the page goes to WeChat for the real openid.
    const page = await fetch(payUrl, { headers: { ...headers, cookie: 'feebot_payer=oATTACKER0000000000000.AAAAAAAAAAAAAAAAAAAAAA' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(new RegExp(`^${oa.apiRoot}/connect/oauth2/authorize\\?appid=${WX.appId}&redirect_uri=.+&response_type=code&scope=snsapi_base&state=[0-9a-f]{32}#wechat_redirect$`));

    // A user on a Moments snapshot page gets a virtual openid that cannot pay: QR instead.
    oa.webAuth.snapshotUser = true;
    const context = await wechatBrowser();
    const tab = await context.newPage();
    await tab.goto(payUrl);
    expect(tab.url()).toContain('oa=1');
    expect((await context.cookies()).some((c) => c.name === 'feebot_payer')).toBe(false);
    expect(await tab.locator('#pay-wechatpay-native').count()).toBe(1);
    expect(await tab.locator('#pay-wechatpay-jsapi').count()).toBe(0);
    oa.webAuth.snapshotUser = false;

    // A code used twice (a reload of the callback URL): 40163, QR, no loop back to WeChat.
    const visits = oa.webAuthCalls.filter((c) => c.method === 'authorize').length;
    const callback = oa.webAuthCalls.filter((c) => c.method === 'access_token').at(-1)!.params.code!;
    const stateCookie = 'feebot_payer_state=ffeeddccbbaa99887766554433221100';
    const reused = await fetch(`${app.baseUrl}/checkout/${orderId}/payer-auth?t=${token}&code=${callback}&state=ffeeddccbbaa99887766554433221100`, { headers: { ...headers, cookie: stateCookie }, redirect: 'manual' });
    expect(reused.headers.get('location')).toContain('oa=1');
    expect(reused.headers.get('set-cookie') ?? '').not.toContain('feebot_payer=');
    expect(oa.webAuthCalls.filter((c) => c.method === 'authorize').length).toBe(visits);
    await context.close();
  }, 90_000);
});

describe('OA web authorisation client against the fake WeChat', () => {
  it('a wrong secret is a loud configuration error, an unknown code a quiet null, an unreachable WeChat a retryable error', async () => {
    const base = { appId: WX.appId, apiRoot: oa.apiRoot, oauthRoot: oa.apiRoot, timeoutMs: 2_000 };
    await expect(createOaWebAuth({ ...base, appSecret: 'not-the-secret' }).exchange('abc')).rejects.toThrow(/errcode 40125 invalid appsecret/);
    expect(await createOaWebAuth({ ...base, appSecret: oa.appSecret }).exchange('0123456789abcdef')).toBeNull(); // 40029
    expect(await createOaWebAuth({ ...base, appSecret: oa.appSecret }).exchange('bad code!')).toBeNull(); // not even asked
    await expect(createOaWebAuth({ ...base, appSecret: oa.appSecret, apiRoot: 'http://127.0.0.1:9' }).exchange('abc')).rejects.toMatchObject({ retryable: true });
  });
});
