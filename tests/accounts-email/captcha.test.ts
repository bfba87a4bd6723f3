import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { CAPTCHA_HEIGHT, CAPTCHA_WIDTH, generateCaptcha, renderCaptchaPng } from '../../src/accounts/captcha.js';
import { CAPTCHA_ALPHABET } from '../../src/accounts/captcha-font.js';
import { createCaptchaService, type CaptchaService } from '../../src/accounts/captcha.service.js';
import { crc32 } from '../../src/accounts/png-encoder.js';
import type { Db } from '../../src/db/database.js';
import { freshDb, manualClock, MIN } from './fixture.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface Chunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

/** Splits a PNG into chunks, checking each CRC with node's own zlib.crc32. */
function chunks(png: Buffer): Chunk[] {
  const out: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    out.push({ type, data, crcOk: zlibCrc32(png.subarray(offset + 4, offset + 8 + length)) === crc });
    offset += 12 + length;
  }
  return out;
}

describe('captcha image', () => {
  it('is a valid 160×60 RGB PNG with ink on it', () => {
    const { answer, png } = generateCaptcha();
    expect(answer).toMatch(new RegExp(`^[${CAPTCHA_ALPHABET}]{4,5}$`));
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(parts.every((c) => c.crcOk)).toBe(true);
    const ihdr = parts[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)]).toEqual([CAPTCHA_WIDTH, CAPTCHA_HEIGHT]);
    expect([ihdr[8], ihdr[9], ihdr[12]]).toEqual([8, 2, 0]);
    const raw = inflateSync(parts[1]!.data);
    expect(raw.length).toBe((CAPTCHA_WIDTH * 3 + 1) * CAPTCHA_HEIGHT);
    // Dark pixels (glyphs and lines) on a light background.
    let dark = 0;
    for (let y = 0; y < CAPTCHA_HEIGHT; y += 1) {
      expect(raw[y * (CAPTCHA_WIDTH * 3 + 1)]).toBe(0); // filter byte
      for (let x = 0; x < CAPTCHA_WIDTH; x += 1) {
        const i = y * (CAPTCHA_WIDTH * 3 + 1) + 1 + x * 3;
        if (raw[i]! + raw[i + 1]! + raw[i + 2]! < 360) dark += 1;
      }
    }
    expect(dark).toBeGreaterThan(300);
    expect(dark).toBeLessThan(CAPTCHA_WIDTH * CAPTCHA_HEIGHT * 0.5);
  });

  it('leaves out ambiguous characters and draws different answers differently', () => {
    for (const ch of '0O1IL2Z5S8B') expect(CAPTCHA_ALPHABET).not.toContain(ch);
    const fixed = () => 0.5;
    expect(renderCaptchaPng('ACDE', fixed).equals(renderCaptchaPng('ACDE', fixed))).toBe(true);
    expect(renderCaptchaPng('ACDE', fixed).equals(renderCaptchaPng('ACDF', fixed))).toBe(false);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });
});

describe('captcha service', () => {
  let db: Db;
  let clock: ReturnType<typeof manualClock>;
  let service: CaptchaService;
  let answers: string[];

  beforeEach(async () => {
    db = await freshDb();
    clock = manualClock();
    answers = ['K7HNP', 'AC34'];
    let next = 0;
    service = createCaptchaService({
      db,
      clock: clock.now,
      generate: () => {
        const answer = answers[next++ % answers.length]!;
        return { answer, png: renderCaptchaPng(answer) };
      },
    });
  });

  it('issues a PNG, stores only a hash, and accepts the answer case-insensitively once', async () => {
    expect(await service.has('telegram', '1')).toBe(false);
    const { pngBase64 } = await service.issue('telegram', '1');
    expect([...Buffer.from(pngBase64, 'base64').subarray(0, 8)]).toEqual(SIGNATURE);
    expect(await service.has('telegram', '1')).toBe(true);
    const rows = await db.selectFrom('captcha_challenges').selectAll().execute();
    expect(JSON.stringify(rows).toUpperCase()).not.toContain('K7HNP');
    expect(await service.verify('telegram', '1', ' k7hnp ')).toBe(true);
    expect(await service.has('telegram', '1')).toBe(false);
    expect(await service.verify('telegram', '1', 'K7HNP')).toBe(false);
  });

  it('a wrong answer consumes the challenge too', async () => {
    await service.issue('web', 'w1');
    expect(await service.verify('web', 'w1', 'XXXXX')).toBe(false);
    expect(await service.verify('web', 'w1', 'K7HNP')).toBe(false);
  });

  it('keeps challenges per chat and channel, and a refresh replaces the answer', async () => {
    await service.issue('web', 'a'); // K7HNP
    await service.issue('web', 'a'); // refreshed: AC34
    await service.issue('telegram', 'a'); // K7HNP
    expect(await service.verify('web', 'a', 'K7HNP')).toBe(false);
    expect(await service.verify('telegram', 'a', 'K7HNP')).toBe(true);
  });

  it('expires after 5 minutes', async () => {
    await service.issue('web', 'a');
    clock.advance(5 * MIN);
    expect(await service.has('web', 'a')).toBe(false);
    expect(await service.verify('web', 'a', 'K7HNP')).toBe(false);
    await service.issue('web', 'a');
    clock.advance(5 * MIN - 1);
    expect(await service.verify('web', 'a', 'ac34')).toBe(true);
  });

  it('accepts full-width letters typed with a Chinese IME', async () => {
    await service.issue('wechat', 'o1');
    expect(await service.verify('wechat', 'o1', 'Ｋ７ｈｎｐ')).toBe(true);
  });
});
