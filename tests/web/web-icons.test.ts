import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

// Add to home screen (设为首页/加入收藏夹): the page links a favicon, a web app manifest and icons,
// and each is served as what it says it is.

let app: TestFeebot;
beforeAll(async () => {
  app = await startTestFeebot();
});
afterAll(() => app?.stop());

describe('web chat icons and manifest', () => {
  it('links them from the page, within its Content-Security-Policy', async () => {
    const page = await fetch(app.baseUrl);
    const html = await page.text();
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest">');
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(page.headers.get('content-security-policy')).toContain("manifest-src 'self'");
  });

  it('serves a manifest whose icons are real PNGs of the stated sizes', async () => {
    const res = await fetch(`${app.baseUrl}/manifest.webmanifest`);
    expect(res.headers.get('content-type')).toBe('application/manifest+json');
    const manifest = (await res.json()) as { start_url: string; display: string; icons: { src: string; sizes: string; type: string }[] };
    expect(manifest).toMatchObject({ start_url: '/', display: 'standalone' });
    for (const icon of manifest.icons.filter((i) => i.type === 'image/png')) {
      const png = Buffer.from(await (await fetch(`${app.baseUrl}${icon.src}`)).arrayBuffer());
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      // IHDR: width and height, big-endian, at bytes 16 and 20.
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes);
    }
    const svg = await fetch(`${app.baseUrl}/favicon.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toMatch(/^<svg /);
  });
});
