import type { Db } from '../db/database.js';
import { optedOutChannels } from '../db/repositories/dunning-optout.repository.js';
import type { DunningRun } from '../db/repositories/dunning-run.repository.js';
import { quietWaitMs } from './cadence.js';
import type { DunningPolicy } from './policy.js';

// What staff need before reminding by hand (Slack `/fees remind`) and to see the schedule (`/fees dunning`).

/** Quiet hours and opt-outs: the chats a hand-sent reminder may use now. */
export async function manualReminderGate<C extends { channel: string }>(db: Db, input: { studentId: string; chats: C[]; policy: DunningPolicy; timezone: string; now: number }): Promise<{ quiet: boolean; chats: C[]; optedOut: boolean }> {
  const quiet = quietWaitMs(input.now, input.policy.quietHours, input.timezone) > 0;
  const out = await optedOutChannels(db, input.studentId);
  const chats = input.chats.filter((c) => !out.has('all') && !out.has(c.channel));
  return { quiet, chats, optedOut: chats.length === 0 && input.chats.length > 0 };
}

/** The hand-sent reminder (Slack `/fees remind`), in the language the student last used in that chat. */
export function manualReminderText(lang: string | null, name: string, total: string): string {
  return lang === 'en'
    ? `[Fee reminder] Hello ${name}, you still have ${total} in unpaid fees. Please log in and choose Pay online to pay; if you have difficulties, contact the finance office.`
    : `【缴费提醒】${name}同学，您目前仍有 ${total} 费用未缴清。请登录后点击“网上缴费”完成缴费，如有困难请联系财务处。`;
}

/** The policy and the last run, as plain text (zh-CN, for the finance office). */
export function describeDunning(policy: DunningPolicy, enabled: boolean, last: DunningRun | null): string {
  const c = policy.cadence;
  const lines = [
    `*催缴提醒* ${enabled ? '已开启' : '未开启（DUNNING_ENABLED=false）'}`,
    `计划：\`${policy.schedule.cron}\`（${policy.schedule.timezone}）`,
    `节奏：到期前 ${c.daysBefore.join('、') || '—'} 天${c.onDueDate ? '、到期当天' : ''}${c.everyDaysAfter ? `、之后每 ${c.everyDaysAfter} 天` : ''}，每项最多 ${c.maxPerItem} 次`,
    `免打扰：${policy.quietHours.start}–${policy.quietHours.end}；每人每天最多 ${policy.caps.perStudentPerDay} 次、每周最多 ${policy.caps.perStudentPerWeek} 次`,
    `渠道：${policy.channels.join('、')}；${policy.escalation.afterReminders ? `提醒 ${policy.escalation.afterReminders} 次仍未缴费转财务处` : '不转财务处'}`,
  ];
  if (!last) lines.push('上次运行：无');
  else {
    const s = last.summary as { planned?: number; sent?: number; failed?: number; escalated?: number; skipped?: Record<string, number> } | null;
    lines.push(
      s
        ? `上次运行 #${last.id}（${last.runDate}）：计划 ${s.planned ?? 0}，已发 ${s.sent ?? 0}，失败 ${s.failed ?? 0}，转交 ${s.escalated ?? 0}，跳过 ${JSON.stringify(s.skipped ?? {})}`
        : `上次运行 #${last.id}（${last.runDate}）：${last.status === 'planning' ? '计划中' : '发送中'}`,
    );
  }
  return lines.join('\n');
}
