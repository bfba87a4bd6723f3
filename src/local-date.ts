// Calendar days in the configured TIMEZONE (default Asia/Shanghai). Dates people choose or see — 缓缴
// until, announcements shown until, "today's" payments — are local days: at 23:30 UTC it is already
// the next day in Beijing, and the UTC date would be a day behind.

/** Offset of `timezone` from UTC at instant `at`, in ms. */
function zoneOffset(at: number, timezone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

// Building an Intl.DateTimeFormat costs ~60× a format() call, and facts need today's date on every
// update: one formatter per timezone (a handful at most).
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of instant `at` in `timezone`. */
export function localDate(at: number, timezone: string): string {
  let format = dateFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timezone, format);
  }
  return format.format(new Date(at));
}

/** [start, end) of a calendar day in `timezone`, as epoch ms; null for a malformed or impossible date. */
export function dayRange(date: string, timezone: string): { from: number; to: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(guess).toISOString().slice(0, 10) !== date) return null;
  const from = guess - zoneOffset(guess - zoneOffset(guess, timezone), timezone);
  const nextGuess = guess + 86_400_000;
  const to = nextGuess - zoneOffset(nextGuess - zoneOffset(nextGuess, timezone), timezone);
  return { from, to };
}

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
