import type { DunningReads } from '../../src/ports/dunning-reads.port.js';
import { lastRunLine } from './slack-render-reports.js';
import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../src/db/database.js';
import type { ChannelName } from '../../src/ports/channel.port.js';
import { findStaffStudent, findStudentReach, loadDashboard } from '../../src/db/repositories/staff-view.repository.js';
import type { Logger } from '../../src/logger.js';
import { formatMoney } from '../../src/money.js';
import { registerCardActions } from './slack-actions.js';
import { registerDeferralActions } from './slack-deferrals.js';
import { openAnnounceModal, registerAnnounce } from './slack-announce.js';
import { buildArrearsReport, buildPaymentsReport, loadStudentCard } from './slack-reports.js';
import { ACTIONS, arrearsSummary, dashboardView, paymentsSummary, ordersList, refusalView, studentCard, MODALS } from './slack-render.js';
import { remindModal } from './slack-modals.js';
import { latestDunningRun } from '../../src/db/repositories/dunning-run.repository.js';
import { findChatLang } from '../../src/db/repositories/conversation.repository.js';
import { describeDunning, manualReminderGate, manualReminderText } from '../../src/dunning/manual-reminder.js';
import { DEFAULT_POLICY, type DunningPolicy } from '../../src/dunning/policy.js';
import { canAct, canSeeCollege, type StaffDirectory, type StaffMember } from './slack-staff.js';
import { SLACK_TEXTS as T } from './slack-texts.js';
import { dayRange, localDate } from './slack-time.js';
import type { Ledger } from '../../src/ledger/index.js';

export interface SlackInboundDeps {
  db: Db;
  staff: StaffDirectory;
  /** Queues a standalone message to a student's chat (through the outbox). */
  deliverMessage: (channel: ChannelName, chatId: string, text: string) => Promise<void>;
  /** Wakes the outbox worker after a card refresh was queued. */
  onEnqueued: () => void;
  heldCredits: Ledger['heldCredits'];
  ledger: Ledger;
  timezone: string;
  /** Scheduled reminders' policy: its quiet hours apply to hand-sent reminders too. */
  dunning?: { policy: DunningPolicy; enabled: boolean };
  clock: () => number;
  logger: Logger;
  /** Reminder runs (App Home's "last reminder run"); absent until the dunning module is wired. */
  dunningRuns?: DunningReads | undefined;
}

const PERIOD = /^\d{4}-\d{4}$/;

const STUDENT_ID = /^[A-Za-z0-9]{4,32}$/;

/** Who may do this: null with the refusal already sent, or the staff member. */
export type Gate = (userId: string, need: 'view' | 'act', refuse: (text: string) => Promise<unknown>) => Promise<StaffMember | null>;

export function createGate(staff: StaffDirectory): Gate {
  return async (userId, need, refuse) => {
    const member = await staff.resolve(userId);
    if (!member) {
      await refuse(T.notStaff);
      return null;
    }
    if (need === 'act' && !canAct(member)) {
      await refuse(T.viewerCannotAct);
      return null;
    }
    return member;
  };
}

/** Reminder text and the chats that reach the student; null when the student is not visible to `member`. */
export async function reminderFor(db: Db, studentId: string, now: number, timezone: string): Promise<{ text: string; textIn: (lang: string | null) => string; total: number; chats: { channel: string; chatId: string }[]; college: string } | null> {
  const card = await loadStudentCard(db, studentId, now, timezone);
  if (!card) return null;
  // Items under an approved 缓缴 are not reminded about until it runs out.
  const total = card.unpaid.filter((i) => !i.deferredUntil).reduce((sum, i) => sum + i.arrears, 0);
  const reach = await findStudentReach(db, studentId);
  const textIn = (lang: string | null) => manualReminderText(lang, card.student.name, formatMoney(total));
  // `text`: what staff confirm in the modal; each chat gets it in its student's language.
  return { text: textIn('zh-CN'), textIn, total, chats: reach.chats, college: card.student.college };
}

/** Registers `/fees`, the card buttons and modals, and App Home on the Bolt app. */
export function registerSlackInbound(app: App, deps: SlackInboundDeps): void {
  const { db, staff, timezone, clock, logger } = deps;
  const dunningPolicy = (): DunningPolicy => deps.dunning?.policy ?? DEFAULT_POLICY;
  const gate = createGate(staff);
  const ephemeral = (respond: RespondFn) => (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });

  async function studentCommand(member: StaffMember, studentId: string | undefined, respond: RespondFn, userId: string): Promise<void> {
    if (!studentId || !STUDENT_ID.test(studentId)) return void (await ephemeral(respond)(T.usage));
    const card = await loadStudentCard(db, studentId, clock(), timezone);
    if (!card) return void (await ephemeral(respond)(T.noSuchStudent(studentId)));
    if (!canSeeCollege(member, card.student.college)) return void (await ephemeral(respond)(T.otherCollege(member.college ?? '')));
    await staff.audit(member, userId, 'student.view', { studentId });
    const message = studentCard(card, timezone, canAct(member));
    await respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
  }

  async function upload(client: WebClient, channelId: string, filename: string, csv: Buffer, title: string): Promise<void> {
    await client.filesUploadV2({ channel_id: channelId, file: csv, filename, title });
  }

  app.command('/fees', async ({ command, ack, respond, client }) => {
    const [sub, ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const member = await staff.resolve(command.user_id);
    if (!member) return void (await ack({ response_type: 'ephemeral', text: T.notStaff }));
    // Answer Slack now; the work continues and answers through response_url.
    await ack();
    const say = ephemeral(respond);
    try {
      switch (sub) {
        case 'student':
          return await studentCommand(member, args[0], respond, command.user_id);
        case 'arrears': {
          const feePeriod = args[0] && PERIOD.test(args[0]) ? args.shift() : undefined;
          const [collegeArg, className] = args;
          if (member.college && collegeArg && collegeArg !== member.college) return void (await say(T.otherCollege(member.college)));
          const college = member.college ?? collegeArg;
          const { summary, csv } = await buildArrearsReport(db, { feePeriod, college, className });
          await staff.audit(member, command.user_id, 'report.arrears', { detail: summary.filter });
          await respond({ response_type: 'ephemeral', ...arrearsSummary(summary) });
          await upload(client, command.channel_id, `arrears-${localDate(clock(), timezone)}.csv`, csv, `欠费名单 ${summary.filter}`);
          return;
        }
        case 'payments': {
          if (member.college) return void (await say(T.otherCollege(member.college)));
          const date = args[0] ?? localDate(clock(), timezone);
          const range = dayRange(date, timezone);
          if (!range) return void (await say(T.badDate));
          const { summary, csv } = await buildPaymentsReport(db, date, range, timezone);
          await staff.audit(member, command.user_id, 'report.payments', { detail: date });
          await respond({ response_type: 'ephemeral', ...paymentsSummary(summary) });
          await upload(client, command.channel_id, `payments-${date}.csv`, csv, `${date} 对账明细`);
          return;
        }
        case 'announce': {
          if (!canAct(member)) return void (await say(T.viewerCannotAct));
          await openAnnounceModal(client, member, command.trigger_id, localDate(clock(), timezone));
          return;
        }
        case 'dunning': {
          await say(describeDunning(dunningPolicy(), deps.dunning?.enabled ?? false, await latestDunningRun(db)));
          return;
        }
        case 'remind': {
          if (!canAct(member)) return void (await say(T.viewerCannotAct));
          await openRemindModal(client, member, args[0], command.trigger_id, say);
          return;
        }
        default:
          await say(T.usage);
      }
    } catch (error) {
      logger.error({ err: error, sub }, 'slack /fees command failed');
      await say('出错了，请稍后再试。').catch(() => undefined);
    }
  });

  async function openRemindModal(client: WebClient, member: StaffMember, studentId: string | undefined, triggerId: string, say: (text: string) => Promise<unknown>): Promise<void> {
    if (!studentId || !STUDENT_ID.test(studentId)) return void (await say(T.usage));
    const reminder = await reminderFor(db, studentId, clock(), timezone);
    if (!reminder) return void (await say(T.noSuchStudent(studentId)));
    if (!canSeeCollege(member, reminder.college)) return void (await say(T.otherCollege(member.college ?? '')));
    if (reminder.total === 0) return void (await say(T.nothingToRemind(studentId)));
    if (reminder.chats.length === 0) return void (await say(T.noReach(studentId)));
    const gate = await manualReminderGate(db, { studentId, chats: reminder.chats, policy: dunningPolicy(), timezone, now: clock() });
    if (gate.quiet) return void (await say(`现在是免打扰时段（${dunningPolicy().quietHours.start}–${dunningPolicy().quietHours.end}），请在之后再发送提醒。`));
    if (gate.optedOut) return void (await say(`学生 ${studentId} 已退订缴费提醒，未发送。`));
    reminder.chats = gate.chats;
    await client.views.open({ trigger_id: triggerId, view: remindModal(studentId, reminder.text, [...new Set(reminder.chats.map((c) => c.channel))]) });
  }

  app.action(ACTIONS.studentRemind, async ({ ack, body, action, client, respond }) => {
    await ack();
    const say = ephemeral(respond);
    const member = await gate(body.user.id, 'act', say);
    if (!member || action.type !== 'button' || !('trigger_id' in body)) return;
    await openRemindModal(client, member, action.value, body.trigger_id, say);
  });

  app.action(ACTIONS.studentOrders, async ({ ack, body, action, respond }) => {
    await ack();
    const member = await gate(body.user.id, 'view', ephemeral(respond));
    if (!member || action.type !== 'button' || !action.value) return;
    const card = await loadStudentCard(db, action.value, clock(), timezone);
    if (!card || !canSeeCollege(member, card.student.college)) return;
    await respond({ response_type: 'ephemeral', replace_original: false, ...ordersList(action.value, card.orders, timezone) });
  });

  app.view(MODALS.studentRemind, async ({ ack, body, view }) => {
    const studentId = view.private_metadata;
    const member = await staff.resolve(body.user.id);
    if (!member || !canAct(member)) return void (await ack({ response_action: 'errors', errors: {} }));
    const reminder = await reminderFor(db, studentId, clock(), timezone);
    const student = await findStaffStudent(db, studentId);
    if (!reminder || !student || !canSeeCollege(member, student.college) || reminder.total === 0) return void (await ack());
    const allowed = await manualReminderGate(db, { studentId, chats: reminder.chats, policy: dunningPolicy(), timezone, now: clock() });
    await ack();
    if (allowed.quiet) return;
    reminder.chats = allowed.chats;
    for (const chat of reminder.chats) await deps.deliverMessage(chat.channel as ChannelName, chat.chatId, reminder.textIn(await findChatLang(db, chat.channel, chat.chatId)));
    await staff.audit(member, body.user.id, 'student.remind', { studentId, detail: `${reminder.chats.length} chats` });
  });

  registerCardActions(app, { ...deps, gate, ephemeral });
  registerDeferralActions(app, { ...deps, gate, ephemeral });
  registerAnnounce(app, { ...deps, gate, ephemeral });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const member = await staff.resolve(event.user);
    const lastRun = member && deps.dunningRuns ? await deps.dunningRuns.latestRun() : null;
    const view = member
      ? dashboardView({
          staffName: member.name,
          college: member.college,
          ...(await loadDashboard(db, dayRange(localDate(clock(), timezone), timezone)?.from ?? 0, member.college)),
          lastReminderRun: lastRun ? lastRunLine(lastRun, timezone) : null,
        })
      : refusalView(T.notStaff);
    await client.views.publish({ user_id: event.user, view });
  });
}
