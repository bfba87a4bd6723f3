import { randomInt } from 'node:crypto';
import { CAPTCHA_ALPHABET, GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './captcha-font.js';
import { encodePng } from './png-encoder.js';

// An image captcha: 4–5 characters, each scaled, rotated and tinted on its own, crossed by noise
// lines and speckles, on a 160×60 PNG. The answer is drawn with crypto.randomInt; the
// distortion may come from an injected source so tests can render deterministically.

export const CAPTCHA_WIDTH = 160;
export const CAPTCHA_HEIGHT = 60;

export interface Captcha {
  answer: string;
  png: Buffer;
}

/** Uniform in [0, 1). */
export type RandomSource = () => number;

const cryptoRandom: RandomSource = () => randomInt(0, 2 ** 32) / 2 ** 32;

export function randomCaptchaAnswer(): string {
  const length = randomInt(4, 6);
  let answer = '';
  for (let i = 0; i < length; i += 1) answer += CAPTCHA_ALPHABET[randomInt(0, CAPTCHA_ALPHABET.length)];
  return answer;
}

type Rgb = [number, number, number];

class Canvas {
  readonly rgb: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i += 1) this.rgb.set(background, i * 3);
  }

  set(x: number, y: number, color: Rgb): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    this.rgb.set(color, (py * this.width + px) * 3);
  }
}

const between = (random: RandomSource, min: number, max: number): number => min + random() * (max - min);

const darkColor = (random: RandomSource): Rgb => [between(random, 10, 110), between(random, 10, 110), between(random, 10, 110)].map(Math.round) as Rgb;

function drawGlyph(canvas: Canvas, ch: string, cx: number, cy: number, random: RandomSource): void {
  const bits = glyph(ch);
  const scale = between(random, 3.6, 4.6);
  const angle = between(random, -0.35, 0.35);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const color = darkColor(random);
  const reach = Math.ceil(Math.hypot(GLYPH_WIDTH, GLYPH_HEIGHT) * scale * 0.5) + 1;
  // Inverse mapping: for each pixel near the centre, rotate back into font space and sample.
  for (let dy = -reach; dy <= reach; dy += 1) {
    for (let dx = -reach; dx <= reach; dx += 1) {
      const u = (cos * dx + sin * dy) / scale + GLYPH_WIDTH / 2;
      const v = (-sin * dx + cos * dy) / scale + GLYPH_HEIGHT / 2;
      // Sampling a second point a little to the left thickens the strokes for legibility.
      const ink = (bits[Math.floor(v)]?.[Math.floor(u)] ?? false) || (bits[Math.floor(v)]?.[Math.floor(u - 0.3)] ?? false);
      if (ink) canvas.set(cx + dx, cy + dy, color);
    }
  }
}

function drawLine(canvas: Canvas, random: RandomSource): void {
  const x0 = between(random, -10, canvas.width * 0.3);
  const x1 = between(random, canvas.width * 0.7, canvas.width + 10);
  const y0 = between(random, 0, canvas.height);
  const y1 = between(random, 0, canvas.height);
  const bend = between(random, -12, 12);
  const color = darkColor(random);
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2);
  for (let i = 0; i <= steps; i += 1) {
    const t = i / steps;
    const x = x0 + (x1 - x0) * t;
    // A gentle arc, so a straight-line filter cannot remove it.
    const y = y0 + (y1 - y0) * t + bend * Math.sin(Math.PI * t);
    canvas.set(x, y, color);
  }
}

/** Draws `answer` (characters of CAPTCHA_ALPHABET) as a PNG. */
export function renderCaptchaPng(answer: string, random: RandomSource = cryptoRandom): Buffer {
  const background: Rgb = [between(random, 225, 250), between(random, 225, 250), between(random, 225, 250)].map(Math.round) as Rgb;
  const canvas = new Canvas(CAPTCHA_WIDTH, CAPTCHA_HEIGHT, background);
  for (let i = 0; i < 250; i += 1) {
    const shade = Math.round(between(random, 150, 210));
    canvas.set(between(random, 0, CAPTCHA_WIDTH), between(random, 0, CAPTCHA_HEIGHT), [shade, shade, shade]);
  }
  const step = CAPTCHA_WIDTH / (answer.length + 1);
  [...answer].forEach((ch, i) => {
    drawGlyph(canvas, ch, step * (i + 1) + between(random, -3, 3), CAPTCHA_HEIGHT / 2 + between(random, -6, 6), random);
  });
  const lines = 3 + Math.floor(random() * 3);
  for (let i = 0; i < lines; i += 1) drawLine(canvas, random);
  return encodePng({ width: CAPTCHA_WIDTH, height: CAPTCHA_HEIGHT, rgb: canvas.rgb });
}

export function generateCaptcha(random: RandomSource = cryptoRandom): Captcha {
  const answer = randomCaptchaAnswer();
  return { answer, png: renderCaptchaPng(answer, random) };
}
