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

/** Binds a follower through the binding page, as a student's phone browser would; returns the result page. */
export async function bindThroughPage(bindUrl: string, studentId: string, password: string, extra: Record<string, string> = {}): Promise<{ status: number; html: string }> {
  const form = await fetch(bindUrl);
  const html = await form.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  const t = /name="t" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !t) return { status: form.status, html };
  const posted = await fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t, studentId, password, ...extra }),
  });
  return { status: posted.status, html: await posted.text() };
}

/** The binding link in a passive reply or message. */
export function bindLinkIn(text: string | undefined): string {
  const url = /<a href="([^"]+\/wechat\/bind\?t=[^"]+)">/.exec(text ?? '')?.[1];
  if (!url) throw new Error(`no binding link in: ${text}`);
  return url.replace(/&amp;/g, '&');
}
