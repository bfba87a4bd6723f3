/** `2025-09-01 16:00` (or with `:ss`) in `timezone`: the one way feebot shows a time to people. */
export function formatDateTime(at: number, timezone: string, withSeconds = false): string {
  // sv-SE formats as `2025-09-01 16:00:00`.
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' as const } : {}),
    hour12: false,
  }).format(new Date(at));
}
