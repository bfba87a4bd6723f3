import { createRequire } from 'node:module';
import type * as QRCode from 'qrcode';

// qrcode and its PNG encoder (~2 MB) load with the first QR drawn (a pay card, a receipt), not at
// start. CommonJS, so a synchronous require keeps the SVG renderer a plain function.
const requireModule = createRequire(import.meta.url);
let loaded: typeof QRCode | null = null;

export function qrCode(): typeof QRCode {
  loaded ??= requireModule('qrcode') as typeof QRCode;
  return loaded;
}
