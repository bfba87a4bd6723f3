import type { FakeWechatApi } from './fake-wechat-api.js';
import type { WechatAnswer, WechatClient } from './wechat-client.js';
import { waitUntil } from './wechat-feebot.js';

// A follower's view of the chat: every text that reached them, passive replies and
// customer-service messages alike, in arrival order; numbered options picked by label.

export function createChatDriver(client: WechatClient, fake: FakeWechatApi, openid: string) {
  const transcript: string[] = [];
  let apiSeen = 0;

  function collect(answer?: WechatAnswer): void {
    if (answer?.reply?.content) transcript.push(answer.reply.content);
    const texts = fake.texts(openid);
    transcript.push(...texts.slice(apiSeen));
    apiSeen = texts.length;
  }

  return {
    transcript,
    async send(text: string): Promise<WechatAnswer> {
      collect();
      const answer = await client.text(openid, text);
      if (answer.status !== 200) throw new Error(`WeChat request answered ${answer.status}: ${answer.body}`);
      collect(answer);
      return answer;
    },
    async click(key: string): Promise<WechatAnswer> {
      collect();
      const answer = await client.event(openid, 'CLICK', key);
      collect(answer);
      return answer;
    },
    async event(event: string, key?: string): Promise<WechatAnswer> {
      collect();
      const answer = await client.event(openid, event, key);
      collect(answer);
      return answer;
    },
    /** How many texts have arrived so far (for waitFor's `since`). */
    mark(): number {
      collect();
      return transcript.length;
    },
    /** Waits until some text that reached the follower (the `since`-th or later) matches. */
    async waitFor(pattern: RegExp, timeoutMs = 15_000, since = 0): Promise<string> {
      let found: string | undefined;
      await waitUntil(
        () => {
          collect();
          found = transcript.slice(since).reverse().find((t) => pattern.test(t));
          return found !== undefined;
        },
        timeoutMs,
        `a WeChat message matching ${pattern} (got: ${transcript.slice(-3).join(' | ').slice(0, 600)})`,
      );
      return found as string;
    },
    /** The number of the newest option whose label contains `label`. */
    option(label: string): string {
      collect();
      for (const text of [...transcript].reverse()) {
        const line = text.split('\n').find((l) => /^回复 \d+ /.test(l) && l.includes(label));
        if (line) return /^回复 (\d+) /.exec(line)![1]!;
      }
      throw new Error(`no option "${label}" in: ${transcript.slice(-2).join(' | ')}`);
    },
    links(text: string): { label: string; url: string }[] {
      return [...text.matchAll(/<a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => ({ url: m[1]!.replace(/&amp;/g, '&'), label: m[2]! }));
    },
  };
}
