import { describe, expect, it } from 'vitest';
import { homeHarness, makeFacts, startedHarness } from './fixtures.js';

describe('新闻公告 on the login and home screens (engine)', () => {
  const announcements = [
    { title: '缴费通知', body: '2025-2026学年学费请于9月30日前缴清', lang: 'zh-CN' },
    { title: 'Deadline', body: 'Pay by 30 September', lang: 'en' },
    { title: '系统维护', body: '10月1日 0:00-2:00', lang: 'all' },
  ];

  it('shows the announcements in the conversation\'s language (and those for all) above the login prompt and the home screen', () => {
    const login = startedHarness({ facts: { student: null, items: [], announcements } });
    const text = login.menu().text;
    expect(text).toContain('【公告】缴费通知：2025-2026学年学费请于9月30日前缴清');
    expect(text).toContain('【公告】系统维护：10月1日 0:00-2:00');
    expect(text).not.toContain('Deadline');
    expect(text.indexOf('【公告】')).toBeLessThan(text.indexOf('学号'));

    const home = homeHarness({ facts: { ...makeFacts(), announcements } });
    home.type('/menu');
    expect(home.menu().text).toContain('【公告】缴费通知');
    home.press('English');
    expect(home.menu().text).toContain('[Notice] Deadline: Pay by 30 September');
    expect(home.menu().text).not.toContain('缴费通知');
  });

  it('shows nothing extra without announcements', () => {
    expect(startedHarness().menu().text).not.toContain('公告');
  });
});
