import type { Lang } from '../engine/state.js';
import type { NoticeFacts, View } from '../engine/views.js';
import { escapeHtml, type RenderedMail } from '../mail/mail-templates.js';
import { formatMoney } from '../money.js';

// The reminder a student receives, as a channel-neutral view (chats) or a mail: pure, like the engine's views.

export interface ReminderFacts {
  name: string;
  items: { name: string; feePeriod: string; outstanding: number; dueDate: string | null }[];
  /** The last reminder before the case goes to the finance office. */
  finalNotice: boolean;
  /** The student opted out; this final notice is sent anyway, as the policy allows. */
  optedOut: boolean;
  /** Opens 网上缴费 directly (deep link / web chat link). */
  payUrl: string;
  /** Opens 申请缓缴 directly (deep link / web chat `?start=defer`: login first when needed). */
  deferUrl?: string;
  /** The signed page that stops reminders on this channel (the 退订提醒 button). */
  unsubscribeUrl?: string;
  /** The reminder's id: a channel that sends the facts another way (a WeChat template) sends them once. */
  ref?: string;
}

const T = {
  'zh-CN': {
    title: '【缴费提醒】',
    hello: (name: string) => `${name}同学，您好！您有以下费用尚未缴清：`,
    due: (date: string | null) => (date ? `截止 ${date}` : ''),
    total: (t: string) => `合计：${t}`,
    pay: '网上缴费',
    defer: '如确有困难，可点击【申请缓缴】（或在菜单中）申请缓缴。',
    deferButton: '申请缓缴',
    final: '这是最后一次提醒：如仍未缴费，财务处将与您联系。',
    optedOut: '您已退订缴费提醒；按学校规定，最后一次提醒仍会发送给您。',
    stop: '回复“退订”可不再接收缴费提醒。',
    subject: '缴费提醒：您有费用尚未缴清',
    unsubscribe: '退订缴费提醒',
    stopButton: '退订提醒',
  },
  en: {
    title: '[Fee reminder]',
    hello: (name: string) => `Hello ${name}, the following fees are still unpaid:`,
    due: (date: string | null) => (date ? `due ${date}` : ''),
    total: (t: string) => `Total: ${t}`,
    pay: 'Pay online',
    defer: 'If you cannot pay in time, tap Apply for deferral (or find it in the menu).',
    deferButton: 'Apply for deferral',
    final: 'This is the final reminder: if the fees stay unpaid, the finance office will contact you.',
    optedOut: 'You unsubscribed from fee reminders; under the university\'s policy this final notice is sent anyway.',
    stop: 'Reply "stop" to receive no more reminders.',
    subject: 'Fee reminder: you have unpaid fees',
    unsubscribe: 'Unsubscribe from fee reminders',
    stopButton: 'Stop reminders',
  },
} as const;

function lines(lang: Lang, f: ReminderFacts): string[] {
  const t = T[lang];
  const total = f.items.reduce((sum, i) => sum + i.outstanding, 0);
  return [
    t.title,
    t.hello(f.name),
    ...f.items.map((i) => `• ${i.feePeriod} ${i.name}：${formatMoney(i.outstanding)}${i.dueDate ? `（${t.due(i.dueDate)}）` : ''}`),
    t.total(formatMoney(total)),
    ...(f.finalNotice ? [t.final] : []),
    ...(f.optedOut ? [t.optedOut] : []),
    t.defer,
  ];
}

/** The reminder as data, for a channel that cannot send the text (WeChat outside its 48-hour window). */
function reminderNotice(f: ReminderFacts): NoticeFacts {
  const due = f.items.flatMap((i) => (i.dueDate ? [i.dueDate] : [])).sort();
  return {
    kind: 'dunning.reminder',
    ref: f.ref ?? '',
    total: f.items.reduce((sum, i) => sum + i.outstanding, 0),
    items: f.items.map((i) => i.name).join('、'),
    dueDate: due[0] ?? null,
    payUrl: f.payUrl,
  };
}

/** The chat message: text, the one-tap 网上缴费 and 申请缓缴 buttons, and how to stop reminders. */
export function reminderView(lang: Lang, f: ReminderFacts): View {
  return {
    notice: reminderNotice(f),
    placement: 'message',
    text: [...lines(lang, f), ...(f.optedOut ? [] : [T[lang].stop])].join('\n'),
    buttons: [
      [{ label: T[lang].pay, url: f.payUrl }],
      ...(f.deferUrl ? [[{ label: T[lang].deferButton, url: f.deferUrl }]] : []),
      ...(f.unsubscribeUrl && !f.optedOut ? [[{ label: T[lang].stopButton, url: f.unsubscribeUrl }]] : []),
    ],
  };
}

/** The e-mail (students without a chat channel): text + HTML, with an unsubscribe link. */
export function reminderMail(lang: Lang, f: ReminderFacts, unsubscribeUrl: string): RenderedMail {
  const t = T[lang];
  const body = lines(lang, f);
  const text = [...body, '', `${t.pay}: ${f.payUrl}`, ...(f.deferUrl ? [`${t.deferButton}: ${f.deferUrl}`] : []), '', `${t.unsubscribe}: ${unsubscribeUrl}`].join('\n');
  const html = `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t.subject)}</title></head>
<body style="font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;line-height:1.6;max-width:560px;margin:0 auto;padding:16px">
${body.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}
<p><a href="${escapeHtml(f.payUrl)}" style="display:inline-block;background:#b22222;color:#fff;padding:10px 20px;border-radius:4px;text-decoration:none">${escapeHtml(t.pay)}</a></p>
${f.deferUrl ? `<p><a href="${escapeHtml(f.deferUrl)}">${escapeHtml(t.deferButton)}</a></p>\n` : ''}<p style="color:#888;font-size:.85em"><a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(t.unsubscribe)}</a></p>
</body>
</html>
`;
  return { subject: t.subject, text, html };
}
