import { describe, expect, it } from 'vitest';
import { renderNoticePage, renderResultPage, type SandboxOrderView } from '../../adapters/sandbox-gateway/sandbox-pages.js';
import { createReturnLinks, renderReturnLinks } from '../../src/http/return-links.js';
import { renderResetInvalid, renderResetSuccess } from '../../src/http/reset-password-page.js';

const order: SandboxOrderView = { orderId: 'FB1', subject: '2025-2026 学费', amount: 100_000, payerName: '张三', studentId: '2023010101', expiresAt: Date.UTC(2026, 8, 1), payee: '示例大学' };

describe('links back to the conversation', () => {
  it('always the web chat; t.me/<bot> once the bot is known; the Official Account when WeChat is on', () => {
    let bot: string | null = null;
    let oa: string | null = null;
    const links = createReturnLinks({ publicBaseUrl: 'https://fees.example', telegram: () => bot, wechat: () => oa });
    expect(links()).toEqual([{ channel: 'web', url: 'https://fees.example/' }]);
    bot = 'https://t.me/demo_fees_bot';
    oa = 'https://mp.weixin.qq.com/s/abc';
    expect(links().map((l) => l.url)).toEqual(['https://fees.example/', 'https://t.me/demo_fees_bot', 'https://mp.weixin.qq.com/s/abc']);
    expect(renderReturnLinks([{ channel: 'wechat', url: 'https://x.example/?a=1&b="2"' }])).toContain('href="https://x.example/?a=1&#38;b=&#34;2&#34;"');
    expect(renderReturnLinks([])).toBe('');
  });

  it('on the sandbox result page, paid or failed, and on terminal notices; not on an out-of-step notice', () => {
    const links = [{ channel: 'web' as const, url: 'https://fees.example/' }];
    for (const outcome of ['paid', 'failed'] as const) {
      const html = renderResultPage(order, { outcome, transactionId: 'SBX1', links });
      expect(html).toContain('<a id="back-web" href="https://fees.example/">返回网页对话');
      expect(html).toContain('收款单位：示例大学');
      expect(html).not.toContain('feebot');
    }
    expect(renderNoticePage('expired', order, links)).toContain('id="back-web"');
    expect(renderNoticePage('out-of-step', order, links)).not.toContain('id="back-web"');
  });

  it('on the reset-done and reset-invalid pages, with the university in the title', () => {
    const frame = { universityName: '示例大学', links: [{ channel: 'web' as const, url: 'https://fees.example/' }] };
    for (const html of [renderResetSuccess(frame), renderResetInvalid(frame)]) {
      expect(html).toContain(' - 示例大学</title>');
      expect(html).toContain('<a id="back-web" href="https://fees.example/">');
    }
  });
});
