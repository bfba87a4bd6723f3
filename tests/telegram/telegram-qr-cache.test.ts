import { describe, expect, it } from 'vitest';
import { imageBytes } from '../../adapters/telegram/telegram-transport.js';

describe('Telegram QR images', () => {
  it('draws a pay link QR once and reuses it; another link gets its own image', async () => {
    const first = await imageBytes({ kind: 'qr', payload: 'https://pay.example.edu/p/ord_cache_1' });
    const again = await imageBytes({ kind: 'qr', payload: 'https://pay.example.edu/p/ord_cache_1' });
    const other = await imageBytes({ kind: 'qr', payload: 'https://pay.example.edu/p/ord_cache_2' });
    expect(first.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(other.equals(first)).toBe(false);
  });
});
