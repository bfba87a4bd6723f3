import { describe, expect, it } from 'vitest';
import { maskName, maskStudentId } from '../../src/display-mask.js';

describe('masks for pages a stranger may open', () => {
  it('keeps the first character of a name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('  ')).toBe('*');
  });

  it('keeps the first four and last two characters of a 学号', () => {
    expect(maskStudentId('2023010101')).toBe('2023****01');
    expect(maskStudentId('S12345')).toBe('S123*45');
    expect(maskStudentId('S1')).toBe('**');
  });
});
