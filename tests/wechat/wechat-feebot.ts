import type { FeebotOptions } from '../../src/main.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { startFakeWechatApi, type FakeWechatApi } from './fake-wechat-api.js';
import { createWechatClient, TEST_WECHAT, wechatEnv, type WechatClient } from './wechat-client.js';

export interface WechatFeebot {
  fake: FakeWechatApi;
  app: TestFeebot;
  client: WechatClient;
  webhookUrl: string;
  stop(): Promise<void>;
}

/** The fake WeChat API and a real feebot (temp SQLite, demo data) with the channel built from WECHAT_* variables. */
export async function startWechatFeebot(extraEnv: Record<string, string> = {}, options: FeebotOptions = {}): Promise<WechatFeebot> {
  const fake = await startFakeWechatApi(TEST_WECHAT.appId, TEST_WECHAT.appSecret);
  const app = await startTestFeebot(wechatEnv(fake.apiRoot, extraEnv), options);
  const webhookUrl = `${app.baseUrl}/webhooks/wechat`;
  return {
    fake,
    app,
    client: createWechatClient(webhookUrl),
    webhookUrl,
    async stop() {
      await app.stop();
      await fake.close();
    },
  };
}

/** Polls a (possibly async) condition until it holds. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
