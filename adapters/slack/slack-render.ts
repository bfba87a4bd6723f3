import type { types } from '@slack/bolt';
import { formatDateTime } from '../../src/display-time.js';
import type { StaffDashboard } from '../../src/db/repositories/staff-view.repository.js';
import { formatMoney } from '../../src/money.js';

// Pure Block Kit builders: data in, `{ text, blocks }` or a view out. No I/O.

export type Block = types.KnownBlock;
export interface SlackMessage {
  /** Notification / fallback text. */
  text: string;
  blocks: Block[];
}

export const ACTIONS = {
  ticketClaim: 'ticket.claim',
  ticketReply: 'ticket.reply',
  ticketResolve: 'ticket.resolve',
  creditRefund: 'credit.refund',
  creditOffset: 'credit.offset',
  studentRemind: 'student.remind',
  studentOrders: 'student.orders',
  deferralApprove: 'deferral.approve',
  deferralReject: 'deferral.reject',
} as const;

export const MODALS = {
  ticketReply: 'ticket.reply',
  ticketResolve: 'ticket.resolve',
  creditRefund: 'credit.refund',
  creditOffset: 'credit.offset',
  studentRemind: 'student.remind',
  deferralReject: 'deferral.reject',
} as const;

/** Block and action id of the one text input of our modals, and of the item select. */
export const INPUT = { block: 'input', action: 'value', itemBlock: 'item', itemAction: 'item' } as const;

const MAX_SECTION = 2900;
const clip = (text: string, max = MAX_SECTION) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** Slack mrkdwn: &, <, > must be escaped in user-supplied text. */
export const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text) } });
const fields = (pairs: [string, string][]): Block => ({ type: 'section', fields: pairs.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: clip(`*${k}*\n${v}`, 1900) })) });
export const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text) }] });
const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button' as const,
  text: { type: 'plain_text' as const, text },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

// ---- Problem tickets -------------------------------------------------------------------------

export interface TicketCardData {
  id: number;
  status: 'open' | 'claimed' | 'resolved';
  student: { studentId: string; name: string; college: string; className: string } | null;
  studentId: string;
  channel: string;
  description: string;
  createdAt: number;
  order: { id: string; total: number; status: string; gateway: string } | null;
  claimedBy: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  replies: number;
}

const TICKET_STATUS = { open: '🔴 待处理', claimed: '🟡 处理中', resolved: '✅ 已解决' } as const;

export function ticketCard(t: TicketCardData, timezone: string): SlackMessage {
  const who = t.student ? `${esc(t.student.name)}（${t.studentId}，${esc(t.student.college)} ${esc(t.student.className)}）` : t.studentId;
  const blocks: Block[] = [
    section(`*问题单 #${t.id}* · ${TICKET_STATUS[t.status]}\n学生：${who}`),
    fields([
      ['订单', t.order ? `${t.order.id}` : '（无）'],
      ['金额', t.order ? formatMoney(t.order.total) : '—'],
      ['订单状态', t.order ? `${t.order.status}（${t.order.gateway}）` : '—'],
      ['渠道', t.channel],
    ]),
    section(`*学生描述*\n>${esc(t.description).replace(/\n/g, '\n>')}`),
  ];
  const progress = [
    `提交于 ${formatDateTime(t.createdAt, timezone)}`,
    t.claimedBy ? `认领：${esc(t.claimedBy)}` : null,
    t.replies > 0 ? `已回复学生 ${t.replies} 次` : null,
    t.resolvedBy ? `已解决：${esc(t.resolvedBy)}${t.resolutionNote ? `（${esc(t.resolutionNote)}）` : ''}` : null,
  ].filter((x): x is string => x !== null);
  blocks.push(context(progress.join(' · ')));
  if (t.status !== 'resolved') {
    const value = String(t.id);
    blocks.push({
      type: 'actions',
      block_id: `ticket:${t.id}`,
      elements: [
        ...(t.status === 'open' ? [button('认领', ACTIONS.ticketClaim, value, 'primary')] : []),
        button('回复学生', ACTIONS.ticketReply, value),
        button('已解决', ACTIONS.ticketResolve, value),
      ],
    });
  }
  return { text: `问题单 #${t.id}（${t.studentId}）${TICKET_STATUS[t.status]}`, blocks };
}

// ---- Flagged money ---------------------------------------------------------------------------

export interface CreditCardData {
  id: number;
  studentId: string;
  studentName: string | null;
  amount: number;
  /** Still waiting for a decision (amount − offsets − refunds not failed). */
  openAmount: number;
  offsetAmount: number;
  refundingAmount: number;
  refundedAmount: number;
  reason: string;
  orderId: string;
  transactionId: string;
  gateway: string;
  createdAt: number;
  /** The staff decision, once taken. */
  outcome: { action: string; by: string; note: string | null } | null;
}

const CREDIT_REASONS: Record<string, string> = {
  amountMismatch: '金额与订单不符',
  duplicatePayment: '重复支付',
  overpayment: '多付',
  orphan: '找不到对应订单',
};

const CREDIT_ACTIONS: Record<string, string> = { 'credit.refund': '退款', 'credit.offset': '抵扣', 'credit.refundFailed': '退款失败' };

export function creditCard(c: CreditCardData, timezone: string): SlackMessage {
  const open = c.openAmount > 0;
  const settled = [
    c.offsetAmount > 0 ? `已抵扣 ${formatMoney(c.offsetAmount)}` : null,
    c.refundingAmount > 0 ? `退款中 ${formatMoney(c.refundingAmount)}` : null,
    c.refundedAmount > 0 ? `已退款 ${formatMoney(c.refundedAmount)}` : null,
  ].filter((x): x is string => x !== null);
  const blocks: Block[] = [
    section(`*待处理款项 #${c.id}* · ${open ? '🔴 未处理' : '✅ 已处理'}\n学生：${c.studentName ? esc(c.studentName) : ''}（${c.studentId}）`),
    fields([
      ['金额', formatMoney(c.amount)],
      ['待处理', `${formatMoney(c.openAmount)}${settled.length ? `（${settled.join('，')}）` : ''}`],
      ['原因', CREDIT_REASONS[c.reason] ?? c.reason],
      ['订单', c.orderId],
      ['交易号', `${c.transactionId}（${c.gateway}）`],
    ]),
    context(`收到于 ${formatDateTime(c.createdAt, timezone)}${c.outcome ? ` · ${CREDIT_ACTIONS[c.outcome.action] ?? c.outcome.action}：${esc(c.outcome.by)}${c.outcome.note ? `（${esc(c.outcome.note)}）` : ''}` : ''}`),
  ];
  if (open) {
    blocks.push({
      type: 'actions',
      block_id: `credit:${c.id}`,
      elements: [button('退款', ACTIONS.creditRefund, String(c.id), 'danger'), button('抵扣', ACTIONS.creditOffset, String(c.id), 'primary')],
    });
  }
  return { text: `待处理款项 #${c.id}：${formatMoney(c.amount)}（${c.studentId}）`, blocks };
}

// ---- 缓缴 (deferral) requests -------------------------------------------------------------------

export interface DeferralCardData {
  id: number;
  studentId: string;
  student: { name: string; college: string; className: string } | null;
  items: { label: string; arrears: number }[];
  until: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  decisionNote: string | null;
  createdAt: number;
}

const DEFERRAL_STATUS = { pending: '🟡 待审批', approved: '✅ 已批准', rejected: '⛔ 已驳回' } as const;

export function deferralCard(d: DeferralCardData, timezone: string): SlackMessage {
  const who = d.student ? `${esc(d.student.name)}（${d.studentId}，${esc(d.student.college)} ${esc(d.student.className)}）` : d.studentId;
  const total = d.items.reduce((sum, i) => sum + i.arrears, 0);
  const blocks: Block[] = [
    section(`*缓缴申请 #${d.id}* · ${DEFERRAL_STATUS[d.status]}\n学生：${who}`),
    fields([
      ['缓缴至', d.until],
      ['金额', formatMoney(total)],
    ]),
    section(`*项目*\n${d.items.map((i) => `• ${esc(i.label)} ${formatMoney(i.arrears)}`).join('\n') || '（无）'}`),
    section(`*申请原因*\n>${esc(d.reason).replace(/\n/g, '\n>')}`),
    context(
      [`提交于 ${formatDateTime(d.createdAt, timezone)}`, d.decidedBy ? `${d.status === 'approved' ? '批准' : '驳回'}：${esc(d.decidedBy)}${d.decisionNote ? `（${esc(d.decisionNote)}）` : ''}` : null]
        .filter(Boolean)
        .join(' · '),
    ),
  ];
  if (d.status === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: `deferral:${d.id}`,
      elements: [button('批准', ACTIONS.deferralApprove, String(d.id), 'primary'), button('驳回', ACTIONS.deferralReject, String(d.id), 'danger')],
    });
  }
  return { text: `缓缴申请 #${d.id}（${d.studentId}）${DEFERRAL_STATUS[d.status]}`, blocks };
}


// ---- Student card ----------------------------------------------------------------------------

export interface StudentCardData {
  student: { studentId: string; name: string; college: string; className: string };
  arrearsByPeriod: { feePeriod: string; arrears: number }[];
  unpaid: { feePeriod: string; name: string; arrears: number; dueDate: string | null; deferredUntil: string | null }[];
  orders: { id: string; status: string; total: number; createdAt: number }[];
  payments: { orderId: string; amount: number; outcome: string; receivedAt: number }[];
  remindersSent: number;
  channels: string[];
  lastLoginAt: number | null;
}

export function studentCard(s: StudentCardData, timezone: string, canAct: boolean): SlackMessage {
  const total = s.arrearsByPeriod.reduce((sum, p) => sum + p.arrears, 0);
  const lines = (items: string[], empty: string) => (items.length ? items.join('\n') : empty);
  const blocks: Block[] = [
    section(`*${esc(s.student.name)}*（${s.student.studentId}）\n${esc(s.student.college)} · ${esc(s.student.className)}`),
    fields([
      ['欠费总额', formatMoney(total)],
      ['各学年欠费', lines(s.arrearsByPeriod.map((p) => `${p.feePeriod}：${formatMoney(p.arrears)}`), '无')],
      ['可送达渠道', s.channels.length ? s.channels.join('、') : '无'],
      ['最近登录', s.lastLoginAt ? formatDateTime(s.lastLoginAt, timezone) : '从未'],
      ['已发提醒', `${s.remindersSent} 次`],
    ]),
    section(`*未缴清项目*\n${lines(s.unpaid.slice(0, 15).map((i) => `• ${i.feePeriod} ${esc(i.name)} ${formatMoney(i.arrears)}${i.dueDate ? `（截止 ${i.dueDate}）` : ''}${i.deferredUntil ? ` 已缓缴至 ${i.deferredUntil}` : ''}`), '无')}`),
    section(`*最近订单*\n${lines(s.orders.map((o) => `• ${o.id} ${formatMoney(o.total)} ${o.status} ${formatDateTime(o.createdAt, timezone)}`), '无')}`),
    section(`*最近缴费*\n${lines(s.payments.map((p) => `• ${formatMoney(p.amount)} ${p.outcome} ${formatDateTime(p.receivedAt, timezone)}（${p.orderId}）`), '无')}`),
  ];
  if (canAct) {
    blocks.push({ type: 'actions', block_id: `student:${s.student.studentId}`, elements: [button('发送提醒', ACTIONS.studentRemind, s.student.studentId), button('查看订单', ACTIONS.studentOrders, s.student.studentId)] });
  }
  return { text: `${s.student.name}（${s.student.studentId}）欠费 ${formatMoney(total)}`, blocks };
}

export function ordersList(studentId: string, orders: StudentCardData['orders'], timezone: string): SlackMessage {
  const body = orders.length ? orders.map((o) => `• ${o.id} ${formatMoney(o.total)} ${o.status} ${formatDateTime(o.createdAt, timezone)}`).join('\n') : '无订单';
  return { text: `${studentId} 的订单`, blocks: [section(`*${studentId} 的订单*\n${body}`)] };
}

// ---- Reports ---------------------------------------------------------------------------------

export interface ArrearsSummary {
  filter: string;
  students: number;
  total: number;
  perCollege: { college: string; students: number; total: number }[];
  top: { studentId: string; name: string; className: string; total: number }[];
}

export function arrearsSummary(a: ArrearsSummary): SlackMessage {
  return {
    text: `欠费统计：${a.students} 人，${formatMoney(a.total)}`,
    blocks: [
      section(`*欠费统计* ${esc(a.filter)}\n共 ${a.students} 人欠费，合计 ${formatMoney(a.total)}`),
      section(`*按学院*\n${a.perCollege.map((c) => `• ${esc(c.college)}：${c.students} 人，${formatMoney(c.total)}`).join('\n') || '无'}`),
      section(`*欠费最多*\n${a.top.map((t) => `• ${t.studentId} ${esc(t.name)}（${esc(t.className)}）${formatMoney(t.total)}`).join('\n') || '无'}`),
      context('完整名单见附件 CSV（UTF-8，可直接用 Excel 打开）。'),
    ],
  };
}

export interface PaymentsSummary {
  date: string;
  received: number;
  receivedCount: number;
  credited: number;
  held: number;
  heldCount: number;
  pendingOrders: number;
  expiredOrders: number;
  receipts: number;
}

export function paymentsSummary(p: PaymentsSummary): SlackMessage {
  return {
    text: `${p.date} 对账：收款 ${formatMoney(p.received)}`,
    blocks: [
      section(`*${p.date} 对账*`),
      fields([
        ['收款', `${p.receivedCount} 笔，${formatMoney(p.received)}`],
        ['已入账', formatMoney(p.credited)],
        ['暂存待处理', `${p.heldCount} 笔，${formatMoney(p.held)}`],
        ['未支付订单', `${p.pendingOrders} 个`],
        ['已过期订单', `${p.expiredOrders} 个`],
        ['已开票据', `${p.receipts} 张`],
      ]),
      context('逐笔明细见附件 CSV。'),
    ],
  };
}

// ---- App Home --------------------------------------------------------------------------------

export interface DashboardData extends StaffDashboard {
  staffName: string;
  college: string | null;
  /** One line about the latest reminder run; null when there was none (or reminders are not set up). */
  lastReminderRun?: string | null;
}

export function dashboardView(d: DashboardData): types.HomeView {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: '财务处工作台' } },
      context(`${esc(d.staffName)}${d.college ? ` · ${esc(d.college)}` : ' · 全校'}`),
      fields([
        ['今日收款', formatMoney(d.collectedToday)],
        [`本期已收${d.period ? `（${d.period}）` : ''}`, formatMoney(d.collectedPeriod)],
        ['欠费总额', formatMoney(d.totalArrears)],
        ['未解决问题单', `${d.openTickets} 个`],
        ['待处理款项', `${d.heldCredits} 笔，${formatMoney(d.heldAmount)}`],
        ['待审批缓缴申请', `${d.pendingDeferrals} 个`],
        ['最近一次催缴提醒', d.lastReminderRun ?? '尚无'],
      ]),
      context('命令：`/fees student 学号` · `/fees arrears` · `/fees payments` · `/fees remind 学号`'),
    ],
  };
}

export function refusalView(text: string): types.HomeView {
  return { type: 'home', blocks: [section(text)] };
}
