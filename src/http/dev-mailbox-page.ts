import type { Env, Hono, Schema } from 'hono';
import type { DevMailbox } from '../mail/dev-mailbox.js';
import { formatDateTime } from '../display-time.js';
import { escapeHtml } from './simple-page.js';
import { PRIVATE_PAGE_HEADERS, renderSimplePage, simplePageStyleHash } from './simple-page.js';

// GET /dev/mailbox: the mail feebot would have sent, for development without SMTP_URL.
// Mount it only when there is no SMTP_URL: it shows live reset links and codes.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;

/** Escapes `text` and turns its http(s) URLs into links (no other scheme can become a link). */
export function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0];
    out += escapeHtml(text.slice(last, match.index));
    out += `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

const STYLE = `
article{border-top:1px solid #ddd;padding:10px 0}
pre{white-space:pre-wrap;word-break:break-all;background:#fafafa;padding:8px;border-radius:4px;font-size:.9em}
.meta{color:#666;font-size:.85em}
.banner{background:#fff8e1;border:1px solid #ffe082;padding:8px;border-radius:4px;font-size:.9em}
`;

export function renderDevMailbox(mailbox: Pick<DevMailbox, 'messages'>): string {
  const mails = mailbox.messages();
  const items = mails
    .map(
      (m) => `<article id="mail-${m.id}">
<h2>${escapeHtml(m.subject)}</h2>
<p class="meta">#${m.id} · To: ${escapeHtml(m.to)} · ${escapeHtml(formatDateTime(m.at, 'Asia/Shanghai'))} · <a href="/dev/mailbox/${m.id}/html">HTML</a></p>
<pre>${linkify(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return renderSimplePage(
    'zh-CN',
    'Dev mailbox',
    `<h1>开发邮箱 · Dev mailbox</h1>
<p class="banner">SMTP_URL 未配置：邮件不会真正发出，只保留在这里（最近 50 封）。<br>SMTP_URL is not set: mail is not delivered, only kept here (last 50 messages).</p>
${items || '<p>暂无邮件 · No mail yet.</p>'}`,
    STYLE,
  );
}

export function mountDevMailboxRoutes<E extends Env, S extends Schema, P extends string>(app: Hono<E, S, P>, mailbox: Pick<DevMailbox, 'messages'>): void {
  const listCsp = `default-src 'none'; style-src ${simplePageStyleHash(STYLE)}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;
  app.get('/dev/mailbox', (c) => {
    for (const [name, value] of Object.entries(PRIVATE_PAGE_HEADERS)) c.header(name, value);
    c.header('Content-Security-Policy', listCsp);
    return c.html(renderDevMailbox(mailbox));
  });

  // The HTML part as sent, under a CSP that blocks scripts and remote loads. Mail HTML styles
  // with style attributes (mail clients ignore <style>), hence 'unsafe-inline' for styles here only.
  app.get('/dev/mailbox/:id/html', (c) => {
    const mail = mailbox.messages().find((m) => String(m.id) === c.req.param('id'));
    for (const [name, value] of Object.entries(PRIVATE_PAGE_HEADERS)) c.header(name, value);
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    if (!mail) return c.text('not found', 404);
    return c.html(mail.html);
  });
}
