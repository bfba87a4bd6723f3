import type { Fen } from './money.js';

// 金额大写: the amount in Chinese capital numerals, as printed on 财政电子票据 and bank forms.
// 4099.13 → 肆仟零玖拾玖元壹角叁分; 16000 → 壹万陆仟元整; 0.05 → 伍分; 100.5 → 壹佰元伍角.

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const IN_GROUP = ['', '拾', '佰', '仟'];
const GROUPS = ['', '万', '亿'];

/** Below 1 万亿 yuan (groups 个, 万, 亿): far beyond any fee. */
export const MAX_FEN_IN_WORDS = 1_000_000_000_000 * 100 - 1;

export function amountInWords(fen: Fen): string {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > MAX_FEN_IN_WORDS) throw new RangeError(`amountInWords: ${fen} is not a non-negative integer amount of fen`);
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const fenDigit = fen % 10;
  if (fen === 0) return '零元整';
  let text = yuan > 0 ? `${yuanInWords(yuan)}元` : '';
  if (jiao === 0 && fenDigit === 0) return `${text}整`;
  // 零 between 元 and 分 when the 角 is missing (壹元零伍分); none when there is no 元 part (伍分).
  if (jiao > 0) text += `${DIGITS[jiao]}角`;
  else if (yuan > 0) text += '零';
  if (fenDigit > 0) text += `${DIGITS[fenDigit]}分`;
  return text;
}

/** The integer part, in groups of four digits (个, 万, 亿), with one 零 for each run of zeros. */
function yuanInWords(yuan: number): string {
  const groups: number[] = [];
  for (let n = yuan; n > 0; n = Math.floor(n / 10_000)) groups.push(n % 10_000);
  let text = '';
  let pendingZero = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g]!;
    if (group === 0) {
      pendingZero = text !== '';
      continue;
    }
    // A lower group below 1000 (e.g. 1 0500) needs a 零 after the higher group: 壹万零伍佰.
    if (text !== '' && (pendingZero || group < 1000)) text += '零';
    text += groupInWords(group) + GROUPS[g];
    pendingZero = false;
  }
  return text;
}

function groupInWords(group: number): string {
  let text = '';
  let zero = false;
  for (let pos = 3; pos >= 0; pos--) {
    const digit = Math.floor(group / 10 ** pos) % 10;
    if (digit === 0) {
      zero = text !== '';
      continue;
    }
    if (zero) text += '零';
    text += DIGITS[digit]! + IN_GROUP[pos];
    zero = false;
  }
  return text;
}
