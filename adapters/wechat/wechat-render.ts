import type { Lang } from '../../src/engine/state.js';
import type { ImageSpec, View } from '../../src/engine/views.js';
import { WECHAT_TEXTS } from './wechat-texts.js';

// Engine views as WeChat messages. No inline buttons in an Official Account chat: code buttons
// become numbered options ("回复 1 网上缴费", numbered like the engine's menuCodes, so the engine
// maps the reply back), link buttons become <a href> links in the text. Pure.

/** WeChat cuts text messages at 2048 bytes; stay below with room for the reply envelope. */
export const MAX_TEXT_BYTES = 2000;

export type WechatOutMessage = { type: 'text'; content: string } | { type: 'image'; image: ImageSpec };

export interface WechatRenderContext {
  lang: Lang;
  /** The binding page for this chat while it is not logged in; null once it is. */
  bindUrl: string | null;
  bindMinutes: number;
  /** The web chat, where passwords are changed. */
  webUrl: string;
}

export function link(label: string, url: string): string {
  return `<a href="${url.replace(/"/g, '%22')}">${label.replace(/[<>]/g, '')}</a>`;
}

/** The messages for one view, in order: its text (split if long), then its picture. Never empty. */
export function renderWechatView(view: View, ctx: WechatRenderContext): WechatOutMessage[] {
  const texts = WECHAT_TEXTS[ctx.lang];
  const lines: string[] = [];
  if (view.input === 'password') {
    // Never ask for a password in WeChat: the history cannot be deleted. A web page takes it.
    lines.push(ctx.bindUrl ? texts.bindPrompt(ctx.bindMinutes) : texts.passwordElsewhere);
    lines.push(ctx.bindUrl ? link(texts.bindLink, ctx.bindUrl) : link(texts.webLink, ctx.webUrl));
  } else {
    lines.push(view.text.trim() === '' ? '…' : view.text);
    if (ctx.bindUrl && view.placement === 'menu') lines.push('', texts.bindPrompt(ctx.bindMinutes), link(texts.bindLink, ctx.bindUrl));
  }
  const options: string[] = [];
  const links: string[] = [];
  let n = 0;
  for (const button of view.buttons.flat()) {
    if ('code' in button) options.push(texts.option(++n, button.label));
    else links.push(link(button.label, button.url));
  }
  if (links.length > 0) lines.push('', ...links);
  if (options.length > 0) lines.push('', ...options);
  const messages: WechatOutMessage[] = splitText(lines.join('\n')).map((content) => ({ type: 'text', content }));
  if (view.image) messages.push({ type: 'image', image: view.image });
  return messages;
}

/** Splits at line breaks into parts of at most `max` UTF-8 bytes (a longer line is cut by characters). */
export function splitText(text: string, max = MAX_TEXT_BYTES): string[] {
  const parts: string[] = [];
  let current = '';
  const push = (piece: string) => {
    const joined = current === '' ? piece : `${current}\n${piece}`;
    if (Buffer.byteLength(joined, 'utf8') <= max) {
      current = joined;
      return;
    }
    if (current !== '') parts.push(current);
    current = '';
    let rest = piece;
    while (Buffer.byteLength(rest, 'utf8') > max) {
      let cut = '';
      for (const ch of rest) {
        if (Buffer.byteLength(cut + ch, 'utf8') > max) break;
        cut += ch;
      }
      parts.push(cut);
      rest = rest.slice(cut.length);
    }
    current = rest;
  };
  for (const line of text.split('\n')) push(line);
  if (current.trim() !== '' || parts.length === 0) parts.push(current.trim() === '' ? '…' : current);
  return parts;
}
