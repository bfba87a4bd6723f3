import type { MenuKit } from './menu-kit.js';

/** 新闻公告 lines for the login and home screens: those in the conversation's language or for all. */
export function announcementLines(k: MenuKit): string[] {
  return (k.env.facts.announcements ?? [])
    .filter((a) => a.lang === 'all' || a.lang === k.state.lang)
    .map((a) => k.t('announcement.line', { title: a.title, body: a.body }));
}

/** `text` with the announcements above it, separated by a blank line. */
export function withAnnouncements(k: MenuKit, text: string): string {
  const lines = announcementLines(k);
  return lines.length === 0 ? text : `${lines.join('\n')}\n\n${text}`;
}
