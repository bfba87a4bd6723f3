// Masks for pages a stranger may open (a pay link forwarded to a parent, a gateway page).

/** 张三 → 张*, 欧阳娜娜 → 欧***: enough for a parent to recognise, not to identify a stranger. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '*';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** 2023010101 → 2023****01: the student recognises it; a forwarded link does not hand it out. */
export function maskStudentId(studentId: string): string {
  const chars = [...studentId.trim()];
  if (chars.length <= 4) return '*'.repeat(Math.max(1, chars.length));
  return chars.slice(0, 4).join('') + '*'.repeat(Math.max(1, chars.length - 6)) + chars.slice(-2).join('');
}
