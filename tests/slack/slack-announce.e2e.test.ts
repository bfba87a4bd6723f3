import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAnnouncement } from '../../src/db/repositories/announcement.repository.js';
import { listStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { isHome, login } from '../support/web-chat-flows.js';
import { startSlackTestEnv, waitUntil, type SlackTestEnv } from './slack-harness.js';

// 新闻公告 from Slack: stored, shown on the login and home screens, optionally sent to the audience
// through the outbox; a college-scoped officer announces to their college only.

let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv();
}, 30_000);
afterAll(async () => env?.stop());

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const sel = (value: string) => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } });
function values(f: { title: string; body: string; lang?: string; audience?: string; college?: string; until: string; send?: boolean }) {
  return {
    title: { value: { type: 'plain_text_input', value: f.title } },
    body: { value: { type: 'plain_text_input', value: f.body } },
    lang: { value: sel(f.lang ?? 'zh-CN') },
    audience: { value: sel(f.audience ?? 'all') },
    college: { value: { type: 'plain_text_input', value: f.college ?? null } },
    until: { value: { type: 'datepicker', selected_date: f.until } },
    send: { value: { type: 'checkboxes', selected_options: f.send ? [{ value: 'yes', text: { type: 'plain_text', text: 'x' } }] : [] } },
  };
}

describe('/fees announce', () => {
  it('opens the modal, validates, stores, sends to logged-in students and shows on login and home screens', async () => {
    const before = createWebChatClient(env.app.baseUrl);
    await login(before, '2023010101');

    await env.command('U0OFFICER', 'announce');
    const modal = await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'announce'), 'the announce modal');
    expect(JSON.stringify(modal.view)).toContain('全体学生');

    const bad = await env.submit('U0OFFICER', 'announce', '', values({ title: '', body: 'x', until: inDays(-1) }));
    expect(await bad.json()).toMatchObject({ response_action: 'errors', errors: { title: expect.any(String), until: expect.any(String) } });

    const ok = await env.submit('U0OFFICER', 'announce', '', values({ title: '缴费通知', body: '学费请于月底前缴清', until: inDays(7), send: true }));
    expect(await ok.text()).toBe('');
    await before.waitFor((m) => m.payload.text.includes('【公告】缴费通知：学费请于月底前缴清'));

    const fresh = createWebChatClient(env.app.baseUrl);
    await fresh.start();
    await fresh.waitFor((m) => m.payload.text.includes('【公告】缴费通知') && m.payload.text.includes('学号'));
    await login(fresh, '2023010102', 'Demo@2026');
    const home = await fresh.waitFor((m) => isHome(m) && m.payload.text.includes('【公告】缴费通知'));
    expect(home).toBeDefined();
    expect((await listStaffAudit(env.app.feebot.db, 10)).some((a) => a.action === 'announce' && a.detail?.includes('缴费通知'))).toBe(true);
  }, 60_000);

  it('a scoped officer announces to their college only; expired announcements are not shown; viewers cannot announce', async () => {
    await env.command('U0SCOPED', 'announce');
    await waitUntil(() => env.slack.views.filter((v) => v.view.callback_id === 'announce').length >= 2, 'the scoped modal');
    const everyone = await env.submit('U0SCOPED', 'announce', '', values({ title: '外语', body: 'x', audience: 'all', until: inDays(3) }));
    expect(await everyone.json()).toMatchObject({ response_action: 'errors', errors: { audience: expect.any(String) } });
    await env.submit('U0SCOPED', 'announce', '', values({ title: '外语学院通知', body: '请到学院办公室领取材料', audience: 'college', until: inDays(3) }));
    await insertAnnouncement(env.app.feebot.db, { title: '过期公告', body: 'old', lang: 'all', audience: 'all', college: null, showUntil: inDays(-2), createdBy: 'x', now: Date.now() });

    const foreign = createWebChatClient(env.app.baseUrl);
    await login(foreign, '2024020201');
    const foreignHome = await foreign.waitFor((m) => isHome(m) && m.payload.text.includes('外语学院通知'));
    expect(foreignHome.payload.text).not.toContain('过期公告');
    const other = createWebChatClient(env.app.baseUrl);
    const otherHome = await login(other, '2025030301');
    expect(otherHome.payload.text).not.toContain('外语学院通知');
    expect(otherHome.payload.text).toContain('缴费通知');

    await env.command('U0VIEWER', 'announce', 'viewer-announce');
    const refused = await waitUntil(() => env.slack.responses.find((r) => r.id === 'viewer-announce')?.body, 'the refusal');
    expect(JSON.stringify(refused)).toContain('查看者');
  }, 60_000);
});
