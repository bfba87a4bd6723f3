import { createSign, generateKeyPairSync } from 'node:crypto';
import { Hono } from 'hono';
import { createSandboxGateway, signSandboxPayload } from '../../adapters/sandbox-gateway/index.js';
import { describeGatewayContract, type DeliveredNotification } from './gateway-contract.js';
import { signedContent } from './fakes/fake-alipay.js';
import { setupAlipay } from './fakes/alipay-harness.js';
import { setupWechatpay } from './fakes/wechatpay-harness.js';
import { postForm, walkToBank } from './sandbox-harness.js';

// The one gateway contract suite, run against the sandbox, WeChat Pay and Alipay (the latter two
// through their real adapters talking to fake platform servers over HTTP).

const TEN_MINUTES = 10 * 60_000;
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const SECRET = 'contract-sandbox-secret-0123456789';

describeGatewayContract('sandbox', async ({ db, clock }) => {
  const delivered: DeliveredNotification[] = [];
  const capture: typeof fetch = async (_url, init) => {
    delivered.push({ rawBody: String(init?.body), headers: Object.fromEntries(new Headers(init?.headers).entries()) });
    return new Response('{"ok":true}');
  };
  const sandbox = createSandboxGateway({ db, secret: SECRET, publicBaseUrl: 'http://feebot.test', notifyUrl: 'http://feebot.test/webhooks/gateway/sandbox', fetch: capture, clock: () => clock.now });
  const app = new Hono();
  sandbox.mount(app);
  return {
    gateway: sandbox.gateway,
    async pay(orderId) {
      await walkToBank(app, orderId);
      const before = delivered.length;
      const res = await postForm(app, `/sandbox-gateway/pay/${orderId}/bank/pay`, {});
      if (!(await res.text()).includes('支付成功') || delivered.length === before) throw new Error(`sandbox did not take the payment for ${orderId}`);
      return delivered.at(-1)!;
    },
    forge: (d) => ({ rawBody: d.rawBody, headers: { 'content-type': 'application/json', ...signSandboxPayload('not-the-secret-0123456789abcdef', d.rawBody, clock.now) } }),
    stale: (d) => ({ rawBody: d.rawBody, headers: { 'content-type': 'application/json', ...signSandboxPayload(SECRET, d.rawBody, clock.now - TEN_MINUTES) } }),
    finishRefunds: async () => [],
    teardown: async () => sandbox.stop(),
  };
});

describeGatewayContract('wechatpay', async ({ clock }) => {
  const w = await setupWechatpay({ mode: 'publicKey', clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
  return {
    gateway: w.gateway,
    pay: async (orderId) => w.fake.pay(orderId),
    forge(d) {
      const headers = { ...d.headers };
      const message = `${headers['wechatpay-timestamp']}\n${headers['wechatpay-nonce']}\n${d.rawBody}\n`;
      headers['wechatpay-signature'] = createSign('RSA-SHA256').update(message).sign(otherKey, 'base64');
      return { rawBody: d.rawBody, headers };
    },
    stale: (d) => ({ rawBody: d.rawBody, headers: w.fake.signAt(d.rawBody, clock.now - TEN_MINUTES) }),
    finishRefunds: async () => w.fake.finishRefunds('SUCCESS', false),
    teardown: () => w.close(),
  };
});

describeGatewayContract('alipay', async ({ clock }) => {
  const a = await setupAlipay({ clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
  return {
    gateway: a.gateway,
    pay: async (orderId) => a.fake.pay(orderId),
    forge(d) {
      const fields = Object.fromEntries(new URLSearchParams(d.rawBody).entries());
      fields.sign = createSign('RSA-SHA256').update(signedContent(fields, ['sign', 'sign_type'])).sign(otherKey, 'base64');
      return { rawBody: new URLSearchParams(fields).toString(), headers: d.headers };
    },
    // Alipay signs no timestamp: a late resend is an ordinary duplicate, deduplicated by trade_no.
    stale: () => null,
    finishRefunds: async () => [],
    teardown: () => a.close(),
  };
});
