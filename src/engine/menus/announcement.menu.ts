import type { AnnouncementFacts } from '../facts.js';
import type { Button } from '../views.js';
import type { MenuKit } from './menu-kit.js';

/** 新闻公告 for this conversation, newest first: in its language or for all, and not dismissed here. */
export function shownAnnouncements(k: Pick<MenuKit, 'env' | 'state'>): AnnouncementFacts[] {
  const dismissed = new Set(k.state.dismissedAnnouncements ?? []);
  return (k.env.facts.announcements ?? []).filter((a) => (a.lang === 'all' || a.lang === k.state.lang) && !(a.id !== undefined && dismissed.has(a.id)));
}

/** 新闻公告 lines for the login and home screens. */
export function announcementLines(k: MenuKit): string[] {
  return shownAnnouncements(k).map((a) => k.t('announcement.line', { title: a.title, body: a.body }));
}

/** The 知道了 row under a screen showing announcements that can be dismissed (none otherwise). */
export function announcementButtons(k: MenuKit): Button[][] {
  return shownAnnouncements(k).some((a) => a.id !== undefined) ? [[k.btn(k.t('btn.dismissAnnouncements'), 'dismiss')]] : [];
}

/** `text` with the announcements above it, separated by a blank line. */
export function withAnnouncements(k: MenuKit, text: string): string {
  const lines = announcementLines(k);
  return lines.length === 0 ? text : `${lines.join('\n')}\n\n${text}`;
}
