import { encodePng } from '../../src/accounts/png-encoder.js';

// The web chat's home-screen icons (web app manifest, apple-touch-icon), drawn once at start so no
// binary files live in the repository: the page's blue with a white coin and a ¥-like bar.

const BLUE = [0x0b, 0x5c, 0xab] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

export function drawWebIcon(size: number): Buffer {
  const rgb = new Uint8Array(size * size * 3);
  const c = (size - 1) / 2;
  const r = size * 0.32;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - c;
      const dy = y - c;
      const inCoin = dx * dx + dy * dy <= r * r;
      // Two bars and a stem, like ¥, in the page's blue on the white coin.
      const bar = Math.abs(dx) <= r * 0.55 && (Math.abs(dy - r * 0.05) <= r * 0.08 || Math.abs(dy - r * 0.32) <= r * 0.08);
      const stem = Math.abs(dx) <= r * 0.09 && dy >= -r * 0.1 && dy <= r * 0.7;
      const arms = dy < 0 && dy >= -r * 0.65 && Math.abs(Math.abs(dx) + dy) <= r * 0.12;
      const color = inCoin && !(bar || stem || arms) ? WHITE : BLUE;
      rgb.set(color, (y * size + x) * 3);
    }
  }
  return encodePng({ width: size, height: size, rgb });
}

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0b5cab"/><circle cx="32" cy="32" r="21" fill="#fff"/><path d="M21 17l11 14 11-14M32 31v19M22 33h20M22 41h20" stroke="#0b5cab" stroke-width="5" fill="none"/></svg>`;

/** The web app manifest: a student can add the chat to the home screen (设为首页/加入收藏夹). */
export function webManifest(name: string): string {
  return JSON.stringify({
    name,
    short_name: '网上缴费',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#eef1f5',
    theme_color: '#0b5cab',
    lang: 'zh-CN',
    icons: [
      { src: '/web/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/web/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
      { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  });
}
