// Money is integer fen everywhere inside feebot; yuan strings exist only at the edges.

export type Fen = number;

// Plain (`1500.5`) or with correct thousands groups (`1,500.50`); at most 2 decimals.
const YUAN_PATTERN = /^(0|[1-9]\d{0,9}|[1-9]\d{0,2}(,\d{3}){1,3})(\.\d{1,2})?$/;

/** Parses a yuan amount such as `1500`, `1500.5` or `1500.50` into fen; null when malformed. */
export function parseYuan(input: string): Fen | null {
  const text = input.trim().replace(/^[¥￥]/, '');
  if (!YUAN_PATTERN.test(text)) return null;
  const [whole, frac = ''] = text.replace(/,/g, '').split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

/** `150050` → `1,500.50` (no currency sign). */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** `150050` → `¥1,500.50`. */
export function formatMoney(fen: Fen): string {
  return fen < 0 ? `-¥${formatYuan(-fen)}` : `¥${formatYuan(fen)}`;
}
