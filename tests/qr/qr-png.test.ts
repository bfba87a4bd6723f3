import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { qrCode, qrPng } from '../../src/qr-code.js';

// pngjs comes with qrcode: it decodes both images to compare them pixel by pixel.
const { PNG } = createRequire(import.meta.url)('pngjs') as { PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } } };

function darkPixels(png: Buffer): { width: number; dark: boolean[] } {
  const image = PNG.sync.read(png);
  const dark: boolean[] = [];
  for (let i = 0; i < image.width * image.height; i += 1) dark.push(image.data[i * 4]! < 128);
  return { width: image.width, dark };
}

describe('QR codes as 1-bit PNGs', () => {
  it.each([
    { width: 240, margin: 1 },
    { width: 480, margin: 2 },
    { width: 20, margin: 1 },
  ])('draws the same pixels as qrcode’s own renderer ($width px, margin $margin)', async (size) => {
    const text = `https://pay.example.edu/p/ord_pixels_${size.width}`;
    const ours = darkPixels(qrPng(text, size));
    const theirs = darkPixels(await qrCode().toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', ...size }));
    expect(ours.width).toBe(theirs.width);
    expect(ours.dark).toEqual(theirs.dark);
    expect(ours.dark.filter(Boolean).length).toBeGreaterThan(ours.dark.length / 5);
  });

  it('draws a payload once per size and reuses it; another payload or size gets its own image', () => {
    const first = qrPng('https://pay.example.edu/p/ord_cache_1', { width: 240, margin: 1 });
    expect(qrPng('https://pay.example.edu/p/ord_cache_1', { width: 240, margin: 1 })).toBe(first);
    expect(qrPng('https://pay.example.edu/p/ord_cache_2', { width: 240, margin: 1 }).equals(first)).toBe(false);
    expect(qrPng('https://pay.example.edu/p/ord_cache_1', { width: 480, margin: 2 }).equals(first)).toBe(false);
  });
});
