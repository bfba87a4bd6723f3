import type { View } from '../../src/engine/views.js';

/** What the browser receives for one bubble. */
export interface WebMessage {
  text: string;
  buttons: ({ label: string; code: string; disabled: boolean; unlocksAt?: number } | { label: string; url: string })[][];
  /** Payload to draw as a QR code; the transport turns it into a PNG data URL. */
  qr?: string;
  /** A ready PNG data URL (QR codes after the transport drew them, captchas). */
  imageDataUrl?: string;
  input: 'text' | 'password';
  placement: View['placement'];
  lang?: View['lang'];
}

/** Pure: engine view → web chat bubble. */
export function renderWebMessage(view: View): WebMessage {
  return {
    text: view.text,
    buttons: view.buttons.map((row) =>
      row.map((b) =>
        'url' in b
          ? { label: b.label, url: b.url }
          : { label: b.label, code: b.code, disabled: b.disabled === true, ...(b.unlocksAt !== undefined ? { unlocksAt: b.unlocksAt } : {}) },
      ),
    ),
    ...(view.image?.kind === 'qr' ? { qr: view.image.payload } : {}),
    ...(view.image?.kind === 'png' ? { imageDataUrl: `data:image/png;base64,${view.image.base64}` } : {}),
    input: view.input ?? 'text',
    placement: view.placement,
    ...(view.lang ? { lang: view.lang } : {}),
  };
}
