import { describe, expect, it } from 'vitest';
import { formatMoney, formatYuan, parseYuan } from '../src/money.js';

describe('money', () => {
  it.each([
    ['1500', 150000],
    ['1500.5', 150050],
    ['1500.50', 150050],
    ['0.01', 1],
    ['¥12', 1200],
    [' 1,500.50 ', 150050],
    ['16,000.00', 1600000],
  ])('parses %s', (input, fen) => expect(parseYuan(input)).toBe(fen));

  it.each(['', 'abc', '12.345', '-5', '1e3', '01', '1,50', '1,5000', '.5', '5.', '1 000'])('rejects %s', (input) => expect(parseYuan(input)).toBeNull());

  it('formats fen at the edge', () => {
    expect(formatYuan(150050)).toBe('1,500.50');
    expect(formatMoney(1)).toBe('¥0.01');
    expect(formatMoney(-100)).toBe('-¥1.00');
  });
});
