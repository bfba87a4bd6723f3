import type { App, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { insertAnnouncement, listAnnouncementChats, type AnnouncementAudience } from '../../src/db/repositories/announcement.repository.js';
import { createTranslator } from '../../src/engine/i18n/index.js';
import type { Lang } from '../../src/engine/state.js';
import type { ChannelName } from '../../src/ports/channel.port.js';
import type { CardActionDeps } from './slack-actions.js';
import { canAct, type StaffMember } from './slack-staff.js';
import { chatLang } from './slack-student-texts.js';
import { SLACK_TEXTS as T } from './slack-texts.js';
import { localDate } from './slack-time.js';

// 新闻公告: /fees announce opens a modal; the announcement is stored (shown on every channel's login
// and home screens until its last day) and, if chosen, sent to its audience through the outbox.

export const ANNOUNCE_MODAL = 'announce';
const B = { title: 'title', body: 'body', lang: 'lang', audience: 'audience', college: 'college', until: 'until', send: 'send' } as const;
const A = 'value';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (text: string, value: string) => ({ text: plain(text), value });

export function announceModal(member: StaffMember, today: string): types.ModalView {
  const langs = [option('中文', 'zh-CN'), option('English', 'en'), option('全部语言', 'all')];
  const audiences = member.college ? [option(`${member.college}学生`, 'college')] : [option('全体学生', 'all'), option('指定学院', 'college'), option('欠费学生', 'arrears')];
  return {
    type: 'modal',
    callback_id: ANNOUNCE_MODAL,
    title: plain('发布新闻公告'),
    submit: plain('发布'),
    close: plain('取消'),
    blocks: [
      { type: 'input', block_id: B.title, label: plain('标题'), element: { type: 'plain_text_input', action_id: A, max_length: 60 } },
      { type: 'input', block_id: B.body, label: plain('内容'), element: { type: 'plain_text_input', action_id: A, multiline: true, max_length: 500 } },
      { type: 'input', block_id: B.lang, label: plain('语言'), element: { type: 'static_select', action_id: A, options: langs, initial_option: langs[0] } },
      { type: 'input', block_id: B.audience, label: plain('对象'), element: { type: 'static_select', action_id: A, options: audiences, initial_option: audiences[0] } },
      ...(member.college ? [] : [{ type: 'input' as const, block_id: B.college, optional: true, label: plain('学院（对象为指定学院时填写）'), element: { type: 'plain_text_input' as const, action_id: A, max_length: 100 } }]),
      { type: 'input', block_id: B.until, label: plain('显示至'), element: { type: 'datepicker', action_id: A, initial_date: today } },
      { type: 'input', block_id: B.send, optional: true, label: plain('发送'), element: { type: 'checkboxes', action_id: A, options: [option('同时发送给目标学生（经发件队列）', 'yes')] } },
    ],
  };
}

type Values = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_date?: string | null; selected_options?: { value: string }[] }>>;

export async function openAnnounceModal(client: WebClient, member: StaffMember, triggerId: string, today: string): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: announceModal(member, today) });
}

export function registerAnnounce(app: App, deps: CardActionDeps): void {
  const { db, staff, clock, timezone } = deps;
  app.view(ANNOUNCE_MODAL, async ({ ack, body, view }) => {
    const v = view.state.values as Values;
    const field = (block: string) => v[block]?.[A];
    const title = (field(B.title)?.value ?? '').trim();
    const text = (field(B.body)?.value ?? '').trim();
    const lang = field(B.lang)?.selected_option?.value ?? 'zh-CN';
    const audience = (field(B.audience)?.selected_option?.value ?? 'all') as AnnouncementAudience;
    const until = field(B.until)?.selected_date ?? '';
    const send = (field(B.send)?.selected_options ?? []).some((o) => o.value === 'yes');
    const member = await staff.resolve(body.user.id);
    const college = member?.college ?? ((field(B.college)?.value ?? '').trim() || null);
    const errors: Record<string, string> = {};
    if (!member) errors[B.title] = T.notStaff;
    else if (!canAct(member)) errors[B.title] = T.viewerCannotAct;
    if (!title) errors[B.title] ??= '请填写标题。';
    if (!text) errors[B.body] = '请填写内容。';
    if (!['zh-CN', 'en', 'all'].includes(lang)) errors[B.lang] = '请选择语言。';
    if (!['all', 'college', 'arrears'].includes(audience) || (member?.college && audience !== 'college')) errors[B.audience] = '请选择对象。';
    if (audience === 'college' && !college) errors[member?.college ? B.audience : B.college] = '请填写学院。';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || until < localDate(clock(), timezone)) errors[B.until] = '显示日期不能早于今天。';
    if (Object.keys(errors).length > 0 || !member) return void (await ack({ response_action: 'errors', errors }));
    await ack();
    const id = await insertAnnouncement(db, { title, body: text, lang, audience, college: audience === 'college' ? college : null, showUntil: until, createdBy: member.email, now: clock() });
    await staff.audit(member, body.user.id, 'announce', { subject: `announcement:${id}`, detail: `${title}（${audience}${college && audience === 'college' ? ` ${college}` : ''}，至 ${until}${send ? '，已发送' : ''}）` });
    if (!send) return;
    // An announcement for all languages is framed in each chat's last language; otherwise in its own.
    const line = (l: Lang) => createTranslator(l)('announcement.line', { title, body: text });
    for (const chat of await listAnnouncementChats(db, audience, audience === 'college' ? college : null)) {
      const frame: Lang = lang === 'all' ? await chatLang(db, chat.channel, chat.chatId) : lang === 'en' ? 'en' : 'zh-CN';
      await deps.deliverMessage(chat.channel as ChannelName, chat.chatId, line(frame));
    }
  });
}
