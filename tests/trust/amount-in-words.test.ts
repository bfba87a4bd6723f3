import { describe, expect, it } from 'vitest';
import { amountInWords, MAX_FEN_IN_WORDS } from '../../src/amount-in-words.js';

describe('amountInWords (金额大写)', () => {
  it.each([
    [409913, '肆仟零玖拾玖元壹角叁分'],
    [1600000, '壹万陆仟元整'],
    [100, '壹元整'],
    [1000, '壹拾元整'],
    [1050, '壹拾元伍角'],
    [10050, '壹佰元伍角'],
    [10005, '壹佰元零伍分'],
    [105, '壹元零伍分'],
    [5, '伍分'],
    [50, '伍角'],
    [55, '伍角伍分'],
    [0, '零元整'],
    [100100, '壹仟零壹元整'],
    [1000100, '壹万零壹元整'],
    [1010000, '壹万零壹佰元整'],
    [1100000, '壹万壹仟元整'],
    [10000000, '壹拾万元整'],
    [10000000000, '壹亿元整'],
    [10000000100, '壹亿零壹元整'],
    [10001000000, '壹亿零壹万元整'],
    [10010000000, '壹亿零壹拾万元整'],
    [12030405067, '壹亿贰仟零叁拾万肆仟零伍拾元陆角柒分'],
    [200000000000, '贰拾亿元整'],
    [MAX_FEN_IN_WORDS, '玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
  ])('%i fen → %s', (fen, words) => {
    expect(amountInWords(fen)).toBe(words);
  });

  it('refuses what is not a non-negative integer of fen', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_FEN_IN_WORDS + 1]) expect(() => amountInWords(bad)).toThrow(RangeError);
  });
});
