import { qrCode } from '../qr-code.js';

// A QR code as inline SVG: synchronous and pure (the page renderer stays a plain function), no
// image request (the page's CSP stays `img-src` free for it), sharp when printed.

export function qrSvg(text: string, opts: { size?: number; id?: string; label?: string } = {}): string {
  const qr = qrCode().create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  let path = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) if (qr.modules.get(x, y)) path += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  }
  const box = n + quiet * 2;
  const size = opts.size ?? 120;
  const id = opts.id ? ` id="${opts.id}"` : '';
  const label = opts.label ? ` role="img" aria-label="${opts.label.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)}"` : '';
  return `<svg${id}${label} xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${box} ${box}" width="${size}" height="${size}" shape-rendering="crispEdges"><rect width="${box}" height="${box}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
