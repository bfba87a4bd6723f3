import { formatDateTime } from '../../src/display-time.js';
import type { Lang } from '../../src/engine/state.js';
import type { NoticeFacts } from '../../src/engine/views.js';
import { formatYuan } from '../../src/money.js';
import type { TemplateConfig, TemplateSource } from './wechat-config.js';
import { WECHAT_TEXTS } from './wechat-texts.js';

// Template-message data from a notice's facts, within WeChat's rules for each field type (named by
// the key's prefix): thing ≤ 20 characters, character_string ≤ 32 of letters/digits/symbols,
// amount = currency sign + digits, phrase ≤ 5, time as 2026-12-02 14:05; never a line break.

export interface TemplateContext {
  studentId: string | null;
  lang: Lang;
  now: number;
  timezone: string;
}

function source(notice: NoticeFacts, from: TemplateSource, ctx: TemplateContext): string {
  switch (from) {
    case 'title':
      return WECHAT_TEXTS[ctx.lang].templateTitle[notice.kind === 'payment.confirmed' ? 'paymentConfirmed' : notice.kind === 'order.expired' ? 'orderExpired' : 'reminder'];
    case 'orderId':
      return notice.kind === 'dunning.reminder' ? '-' : notice.orderId;
    case 'amount':
      return notice.kind === 'order.expired' ? '-' : `¥${formatYuan(notice.total).replace(/,/g, '')}`;
    case 'items':
      return notice.kind === 'dunning.reminder' ? notice.items : '-';
    case 'dueDate':
      return notice.kind === 'dunning.reminder' ? (notice.dueDate ?? '-') : '-';
    case 'receiptNo':
      return notice.kind === 'payment.confirmed' ? notice.receiptNo : '-';
    case 'time':
      return formatDateTime(ctx.now, ctx.timezone);
    case 'studentId':
      return ctx.studentId ?? '-';
  }
}

export function fitTemplateValue(key: string, value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ').trim();
  const cut = (max: number) => [...flat].slice(0, max).join('');
  if (key.startsWith('thing')) return cut(20);
  if (key.startsWith('character_string')) return flat.replace(/[^A-Za-z0-9_.\-:/]/g, '').slice(0, 32);
  if (key.startsWith('phrase')) return cut(5);
  if (key.startsWith('number')) return flat.replace(/[^0-9.]/g, '').slice(0, 32);
  return cut(64);
}

export function templateData(template: TemplateConfig, notice: NoticeFacts, ctx: TemplateContext): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(template.fields).map(([key, from]) => [key, { value: fitTemplateValue(key, source(notice, from, ctx)) }]));
}
