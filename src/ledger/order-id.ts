import { randomBytes } from 'node:crypto';

const SUFFIX_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * `FB` + Beijing time yyyymmddHHMMss + 6 random characters (22 chars): sortable, readable
 * over the phone, and short enough for gateways that cap merchant order numbers at 32.
 */
export function newOrderId(now: number): string {
  // China has no DST, so a fixed offset gives local wall-clock time.
  const t = new Date(now + BEIJING_OFFSET_MS);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp =
    pad(t.getUTCFullYear(), 4) + pad(t.getUTCMonth() + 1) + pad(t.getUTCDate()) + pad(t.getUTCHours()) + pad(t.getUTCMinutes()) + pad(t.getUTCSeconds());
  let suffix = '';
  for (const byte of randomBytes(6)) suffix += SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length];
  return `FB${stamp}${suffix}`;
}
