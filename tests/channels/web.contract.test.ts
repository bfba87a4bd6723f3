import { parseWebSend } from '../../adapters/web/web-inbound.js';
import { renderWebMessage, type WebMessage } from '../../adapters/web/web-render.js';
import { runChannelContract, type InboundEvent } from './channel-contract.js';

let sent = 0;

/** What the page posts to /api/chat/send, through the adapter's real parse (schema included). */
function post(message: Record<string, unknown>): InboundEvent | null {
  sent += 1;
  const parsed = parseWebSend({ id: `msg${String(sent).padStart(8, '0')}`, ...message });
  return parsed.ok ? parsed.event : null;
}

runChannelContract<WebMessage>('web', {
  render: renderWebMessage,
  texts: (m) => [m.text],
  buttons: (m) => m.buttons.flat().flatMap((b) => ('code' in b ? [{ label: b.label, callback: b.code, disabled: b.disabled }] : [])),
  links: (m) => m.buttons.flat().flatMap((b) => ('url' in b ? [{ label: b.label, url: b.url }] : [])),
  image: (m) =>
    m.qr !== undefined
      ? { kind: 'qr', payload: m.qr }
      : m.imageDataUrl !== undefined
        ? { kind: 'png', base64: m.imageDataUrl.replace(/^data:image\/png;base64,/, '') }
        : undefined,
  passwordMasked: (m) => m.input === 'password',
  // The send endpoint accepts codes of at most 64 characters (the action codec's limit).
  maxCallbackBytes: 64,
  parsePress: (code) => post({ kind: 'action', code }),
  parseText: (text) => post({ kind: 'text', text }),
  parseStart: (payload) => post({ kind: 'start', ...(payload === undefined ? {} : { payload }) }),
});
