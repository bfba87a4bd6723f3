import { escapeHtml } from './simple-page.js';

// Where a student goes back to after a page outside the chat (the gateway's result, a reset done):
// the web chat always, the Telegram bot (t.me/<bot>) and the WeChat Official Account when set up.

export type ReturnChannel = 'web' | 'telegram' | 'wechat';

export interface ReturnLink {
  channel: ReturnChannel;
  url: string;
}

/** Asked when a page is drawn: the Telegram bot's username is known only once the bot has started. */
export type ReturnLinks = () => ReturnLink[];

const LABELS: Record<ReturnChannel, { zh: string; en: string }> = {
  web: { zh: '返回网页对话', en: 'Back to the web chat' },
  telegram: { zh: '返回 Telegram 对话', en: 'Back to the Telegram chat' },
  wechat: { zh: '返回微信公众号', en: 'Back to the WeChat Official Account' },
};

export interface ReturnLinkSources {
  publicBaseUrl: string;
  /** `https://t.me/<bot>` once the bot is known, else null. */
  telegram?: () => string | null;
  /** WECHAT_OA_URL when the WeChat channel is on, else null. */
  wechat?: () => string | null;
}

export function createReturnLinks(sources: ReturnLinkSources): ReturnLinks {
  const web = `${sources.publicBaseUrl}/`;
  return () => {
    const links: ReturnLink[] = [{ channel: 'web', url: web }];
    const telegram = sources.telegram?.();
    if (telegram) links.push({ channel: 'telegram', url: telegram });
    const wechat = sources.wechat?.();
    if (wechat) links.push({ channel: 'wechat', url: wechat });
    return links;
  };
}

/** The links as a block of plain anchors (no script), in both languages: the page may be read in either. */
export function renderReturnLinks(links: readonly ReturnLink[], className = 'back-links'): string {
  if (links.length === 0) return '';
  const items = links
    .map((l) => `<a id="back-${l.channel}" href="${escapeHtml(l.url)}">${escapeHtml(LABELS[l.channel].zh)} <span lang="en">· ${escapeHtml(LABELS[l.channel].en)}</span></a>`)
    .join('\n');
  return `<nav class="${className}" id="back-to-chat">\n${items}\n</nav>`;
}

/** Style for the block, for pages that add it to their own stylesheet. */
export const RETURN_LINKS_STYLE = `.back-links{display:flex;flex-direction:column;gap:8px;margin:16px 0}.back-links a{display:block;text-align:center;padding:10px;border:1px solid #c62f2f;border-radius:6px;color:#c62f2f;text-decoration:none;font-weight:600}`;
