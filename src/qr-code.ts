import { createRequire } from 'node:module';
import type * as QRCode from 'qrcode';
import { encodeBitmapPng } from './accounts/png-encoder.js';

// qrcode (~2 MB) loads with the first QR drawn (a pay card, a receipt), not at start. CommonJS, so a
// synchronous require keeps the SVG renderer a plain function.
const requireModule = createRequire(import.meta.url);
let loaded: typeof QRCode | null = null;

export function qrCode(): typeof QRCode {
  loaded ??= requireModule('qrcode') as typeof QRCode;
  return loaded;
}

/** QR images drawn, by payload and size (a pay link per order): a retry or a second pay card reuses them. */
const QR_CACHE_SIZE = 256;
const drawn = new Map<string, Buffer>();

/**
 * A QR code (error correction M) as a black-and-white PNG `width` px square, with `margin` modules
 * of quiet zone. Drawn as a 1-bit image: ~0.8 ms of CPU where qrcode's own RGBA PNG took ~6 ms (its
 * filter search and deflate over 4 bytes a pixel), during which no other chat is served.
 */
export function qrPng(text: string, size: { width: number; margin: number }): Buffer {
  const key = `${size.width}/${size.margin}/${text}`;
  let png = drawn.get(key);
  if (png) drawn.delete(key);
  else png = drawQrPng(text, size.width, size.margin);
  drawn.set(key, png);
  if (drawn.size > QR_CACHE_SIZE) drawn.delete(drawn.keys().next().value!);
  return png;
}

function drawQrPng(text: string, width: number, margin: number): Buffer {
  const { modules } = qrCode().create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  // The same pixels as qrcode's own renderer: each pixel takes the module it falls in (4 px a module
  // when `width` is too small for one pixel each).
  const scale = width >= n + margin * 2 ? width / (n + margin * 2) : 4;
  const side = Math.floor((n + margin * 2) * scale);
  const quiet = margin * scale;
  const stride = Math.ceil(side / 8);
  const bits = new Uint8Array(stride * side).fill(0xff);
  for (let y = Math.ceil(quiet); y < side - quiet; y += 1) {
    const row = Math.floor((y - quiet) / scale) * n;
    for (let x = Math.ceil(quiet); x < side - quiet; x += 1) {
      if (modules.data[row + Math.floor((x - quiet) / scale)]) bits[y * stride + (x >> 3)]! &= ~(0x80 >> (x & 7));
    }
  }
  return encodeBitmapPng({ width: side, height: side, bits });
}
