import { formatDateTime } from '../../src/display-time.js';
import { formatMoney } from '../../src/money.js';
import type { DunningSummary } from '../../src/dunning/dunning-service.js';
import type { Difference } from '../../src/runtime/daily-reconcile.js';
import { context, esc, section, type Block, type SlackMessage } from './slack-render.js';

// Cards for the reports the core sends the finance office: the daily reconciliation's differences
// and the reminder runs. Pure: data in, `{ text, blocks }` out. Slack allows 50 blocks a message,
// so long lists are packed into few sections and cut with a count of what was left out.

const SECTION_CHARS = 2800;
const MAX_LISTED = 100;

/** Lines packed greedily into sections under Slack's 3000 characters, at most MAX_LISTED, then "…and n more". */
export function listBlocks(lines: string[], more: (n: number) => string): Block[] {
  const shown = lines.slice(0, MAX_LISTED);
  const blocks: Block[] = [];
  let chunk = '';
  for (const line of shown) {
    if (chunk && chunk.length + 1 + line.length > SECTION_CHARS) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) blocks.push(section(chunk));
  if (lines.length > shown.length) blocks.push(context(more(lines.length - shown.length)));
  return blocks;
}

// ---- Daily reconciliation ------------------------------------------------------------------------

export interface ReconcileCardData {
  date: string;
  ordersChecked: number;
  refundsSettled: number;
  differences: Difference[];
}

const CREDITED: Record<string, string> = {
  applied: '已补记入账',
  late: '已补记入账（订单已过期或已由另一笔付清，多出部分转为待处理款项）',
  duplicate: '此前已入账',
  mismatch: '金额与订单不符，已转为待处理款项',
  orphan: '找不到订单，已转为待处理款项',
};

/** One line per difference: what happened, then what the office should do about it. */
export function differenceLine(d: Difference): string {
  switch (d.kind) {
    case 'paidAtGatewayOnly':
      return `• *支付渠道已收款、账上没有*：订单 ${d.orderId}，${d.gateway} 交易号 ${esc(d.transactionId)}，${formatMoney(d.amount)} — ${CREDITED[d.outcome] ?? esc(d.outcome)}。\n   ➜ 如转为待处理款项，请在该款项卡片上选择退款或抵扣。`;
    case 'paidInLedgerOnly':
      return `• *账上已入账、支付渠道未确认*：订单 ${d.orderId}，${d.gateway} 交易号 ${esc(d.transactionId)}，${formatMoney(d.amount)}。\n   ➜ 请登录${d.gateway}商户平台核对这笔交易；确属未到账的，联系技术人员更正，勿向学生重复收费。`;
    case 'queryFailed':
      return `• *无法查询*：订单 ${d.orderId}（${esc(d.message)}）。\n   ➜ 稍后用 \`feebot reconcile --date\` 重新对账；持续失败请检查支付渠道配置与网络。`;
    case 'ledgerUnbalanced':
      return `• *账目不平*：收款合计 ${formatMoney(d.payments)}，入账 + 待处理 + 已退款合计 ${formatMoney(d.accounted)}。\n   ➜ 请立即联系技术人员检查，在查明前不要手工调整账目。`;
  }
}

export function reconcileCard(r: ReconcileCardData): SlackMessage {
  const n = r.differences.length;
  return {
    text: `${r.date} 对账发现 ${n} 处差异`,
    blocks: [
      section(`*${r.date} 对账差异* · ${n > 0 ? `⚠️ ${n} 处` : '✅ 无差异'}\n已核对 ${r.ordersChecked} 个订单，处理 ${r.refundsSettled} 笔退款结果。`),
      ...listBlocks(r.differences.map(differenceLine), (more) => `另有 ${more} 处差异未列出，完整清单见 \`feebot reconcile --date ${r.date}\`。`),
      context(`完整报告：\`feebot reconcile --date ${r.date}\``),
    ],
  };
}

// ---- Reminder runs (dunning) ---------------------------------------------------------------------

/** A finished reminder run, as the card shows it: its summary and when it ran. */
export interface DunningSummaryCardData extends DunningSummary {
  startedAt: number;
  finishedAt: number | null;
}

export interface EscalatedStudentCardData {
  studentId: string;
  name: string | null;
  college: string;
  /** Arrears in fen. */
  total: number;
  reminders: number;
}

/** The dunning module's reasons (planning: deferral … escalated; send time: paid, optedOut). */
const SKIP_REASONS: Record<string, string> = {
  deferral: '已缓缴',
  liveOrder: '有待支付订单',
  optedOut: '已退订',
  noChannel: '无可送达渠道',
  capDay: '超出每日提醒上限',
  capWeek: '超出每周提醒上限',
  escalated: '已转人工',
  paid: '已缴清',
  quietHours: '免打扰时段',
};

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0);

/** The run's stored summary (JSON written by the dunning module) read defensively; null until it finished. */
export function summaryCardData(run: { id: number; runDate: string; summary: unknown; startedAt: number; finishedAt: number | null }): DunningSummaryCardData | null {
  if (typeof run.summary !== 'object' || run.summary === null) return null;
  const s = run.summary as Record<string, unknown>;
  const skipped = typeof s.skipped === 'object' && s.skipped !== null ? Object.fromEntries(Object.entries(s.skipped as Record<string, unknown>).map(([k, v]) => [k, count(v)])) : {};
  return { runId: run.id, runDate: run.runDate, planned: count(s.planned), sent: count(s.sent), skipped, failed: count(s.failed), escalated: count(s.escalated), startedAt: run.startedAt, finishedAt: run.finishedAt };
}

export function dunningSummaryCard(s: DunningSummaryCardData, timezone: string): SlackMessage {
  const skipped = Object.entries(s.skipped).filter(([, n]) => n > 0);
  const skippedTotal = skipped.reduce((sum, [, n]) => sum + n, 0);
  const blocks: Block[] = [
    section(`*催缴提醒运行 #${s.runId}*（${s.runDate}） · ${s.failed > 0 ? '⚠️ 有发送失败' : '✅ 已完成'}`),
    {
      type: 'section',
      fields: [
        ['计划发送', `${s.planned} 条`],
        ['已发送', `${s.sent} 条`],
        ['跳过', `${skippedTotal} 条`],
        ['发送失败', `${s.failed} 条`],
        ['转人工跟进', `${s.escalated} 人`],
      ].map(([k, v]) => ({ type: 'mrkdwn' as const, text: `*${k}*\n${v}` })),
    },
  ];
  if (skipped.length > 0) {
    blocks.push(section(`*跳过原因*\n${skipped.map(([reason, n]) => `• ${SKIP_REASONS[reason] ?? esc(reason)}：${n} 条`).join('\n')}`));
  }
  const notes = [`${formatDateTime(s.startedAt, timezone)} – ${s.finishedAt ? formatDateTime(s.finishedAt, timezone) : '进行中'}`];
  if (s.failed > 0) notes.push('失败的提醒请在学生卡片上用“发送提醒”重试，或查看渠道是否可用');
  if (s.escalated > 0) notes.push('转人工名单见下一条消息');
  blocks.push(context(notes.join(' · ')));
  return { text: `催缴提醒运行 #${s.runId}：已发送 ${s.sent}/${s.planned}，跳过 ${skippedTotal}，失败 ${s.failed}，转人工 ${s.escalated}`, blocks };
}

export function dunningEscalatedCard(runId: number, students: EscalatedStudentCardData[]): SlackMessage {
  const total = students.reduce((sum, s) => sum + s.total, 0);
  const sorted = [...students].sort((a, b) => b.total - a.total || a.studentId.localeCompare(b.studentId));
  const lines = sorted.map((s) => `• ${esc(s.studentId)}${s.name ? ` ${esc(s.name)}` : ''}${s.college ? `（${esc(s.college)}）` : ''} 欠 ${formatMoney(s.total)} · 已提醒 ${s.reminders} 次`);
  return {
    text: `催缴转人工：${students.length} 名学生，合计 ${formatMoney(total)}`,
    blocks: [
      section(`*催缴转人工跟进*（运行 #${runId}）\n${students.length} 名学生多次提醒后仍未缴费，合计 ${formatMoney(total)}。`),
      ...listBlocks(lines, (more) => `另有 ${more} 名学生未列出，可用 \`/fees arrears\` 导出完整名单。`),
      context('➜ 请逐一电话或当面联系；了解到经济困难的，可引导学生在聊天中申请缓缴（绿色通道）。用 `/fees student 学号` 查看详情。'),
    ],
  };
}

/** App Home's "last reminder run": when, and what it did (or that it is still running). */
export function lastRunLine(run: { id: number; runDate: string; status: string; summary: unknown; startedAt: number; finishedAt: number | null }, timezone: string): string {
  const data = summaryCardData(run);
  if (!data || run.finishedAt === null) return `#${run.id} ${run.runDate} 进行中（${formatDateTime(run.startedAt, timezone)} 开始）`;
  return `#${run.id} ${formatDateTime(run.finishedAt, timezone)}：已发送 ${data.sent}/${data.planned}，失败 ${data.failed}，转人工 ${data.escalated}`;
}
