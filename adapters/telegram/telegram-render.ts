import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { Button, ImageSpec, View } from '../../src/engine/views.js';

// Bot API limits (characters, except callback_data which is bytes).
export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;
export const MAX_CALLBACK_DATA_BYTES = 64;

export interface TelegramPhoto {
  image: ImageSpec;
  /** Present when the text fits a caption; otherwise the text goes in its own message(s). */
  caption?: string;
}

/** One View as Bot API payload parts. Pure: the transport does the sending (and draws QR codes). */
export interface TelegramRendered {
  /** Plain text (no parse_mode, so nothing needs escaping). Never empty. */
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  photo?: TelegramPhoto;
}

export function renderView(view: View): TelegramRendered {
  const rows: InlineKeyboardButton[][] = [];
  // Links Telegram refuses as buttons (localhost, LAN addresses) are shown in the text instead.
  const textLinks: string[] = [];
  for (const row of view.buttons) {
    const out: InlineKeyboardButton[] = [];
    for (const button of row) {
      const rendered = renderButton(button);
      if (rendered) out.push(rendered);
      else if ('url' in button) textLinks.push(`${button.label}: ${button.url}`);
    }
    if (out.length > 0) rows.push(out);
  }
  const body = view.text.trim() === '' ? '…' : view.text;
  const text = textLinks.length > 0 ? `${body}\n\n${textLinks.join('\n')}` : body;
  const rendered: TelegramRendered = { text };
  if (rows.length > 0) rendered.reply_markup = { inline_keyboard: rows };
  if (view.image) {
    rendered.photo = text.length <= MAX_CAPTION ? { image: view.image, caption: text } : { image: view.image };
  }
  return rendered;
}

function renderButton(button: Button): InlineKeyboardButton | null {
  if ('code' in button) {
    // Disabled buttons still carry their code: the engine answers "wait N seconds" itself.
    assertCallbackData(button.code);
    return { text: button.label, callback_data: button.code };
  }
  return isButtonUrl(button.url) ? { text: button.label, url: button.url } : null;
}

export function assertCallbackData(code: string): void {
  const bytes = new TextEncoder().encode(code).length;
  if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) {
    throw new Error(`callback_data must be 1-${MAX_CALLBACK_DATA_BYTES} bytes, got ${bytes}: ${code.slice(0, 80)}`);
  }
}

/**
 * Telegram rejects button URLs whose host has no dot (BUTTON_URL_INVALID for `localhost`), and a
 * loopback or private address is useless on the student's phone anyway.
 */
export function isButtonUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === 'tg:') return true;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  if (!host.includes('.') || host.startsWith('[')) return false;
  if (/^(127\.|10\.|0\.|192\.168\.|169\.254\.)/.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host)) return false;
  return !host.endsWith('.localhost');
}

/** Splits text into message-sized parts, preferring line breaks; buttons go on the last part. */
export function splitText(text: string, max = MAX_TEXT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    // Never split a surrogate pair.
    if (cut === max && isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
