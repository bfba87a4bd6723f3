import type { Db } from '../../src/db/database.js';
import { createDunningService } from '../../src/dunning/dunning-service.js';
import { DEFAULT_POLICY, type DunningPolicy } from '../../src/dunning/policy.js';
import { createReminderSender } from '../../src/dunning/reminder-sender.js';
import { createLogger } from '../../src/logger.js';
import type { Mailer } from '../../src/mail/mailer.port.js';
import type { ChannelName, ChannelTransport, Delivery } from '../../src/ports/channel.port.js';
import { createOutboxWorker } from '../../src/runtime/outbox-worker.js';

// Students, items and chats written straight to the store; a dunning service, sender and outbox
// worker on an injected clock; transports that record what they were handed.

export const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);

export async function addStudent(db: Db, id: string, opts: { email?: string | null; college?: string; items?: { period?: string; name?: string; due: number; paid?: number; dueDate: string }[] } = {}): Promise<number[]> {
  await db
    .insertInto('students')
    .values({ student_id: id, name: `学生${id}`, college: opts.college ?? '计算机学院', major: 'CS', class_name: '1班', recovery_email: opts.email ?? null, phone: null, id_number: null, password_hash: 'x', must_change_password: 0, password_changed_at: null, created_at: 0, updated_at: 0 })
    .execute();
  const ids: number[] = [];
  for (const [n, item] of (opts.items ?? []).entries()) {
    const row = await db
      .insertInto('fee_items')
      .values({ student_id: id, fee_period: item.period ?? '2026-2027', code: `F${n}`, name: item.name ?? `学费${n}`, amount_due: item.due, amount_paid: item.paid ?? 0, installment_allowed: 0, min_installment: 0, due_date: item.dueDate, updated_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(Number(row.id));
  }
  return ids;
}

export async function addChat(db: Db, studentId: string, channel: ChannelName, chatId: string, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<void> {
  await db.insertInto('conversations').values({ channel, chat_id: chatId, state_version: 1, revision: 1, state_json: JSON.stringify({ lang, session: { studentId } }), student_id: studentId, updated_at: 0 }).execute();
}

export function recordingTransport(channel: ChannelName, sent: Delivery[]): ChannelTransport {
  return {
    async deliver(d) {
      sent.push({ ...d, channel });
      return {};
    },
    async deleteMessage() {},
  };
}

export function dunningHarness(db: Db, options: { policy?: DunningPolicy; now: number; transports?: Partial<Record<ChannelName, ChannelTransport>>; mailer?: Mailer }) {
  const clock = { now: options.now };
  const policy = options.policy ?? DEFAULT_POLICY;
  const logger = createLogger('silent');
  const service = createDunningService({ db, policy, timezone: 'Asia/Shanghai', defaultLang: 'zh-CN', clock: () => clock.now, logger });
  const sender = createReminderSender({
    db,
    policy,
    timezone: 'Asia/Shanghai',
    transports: options.transports ?? {},
    ...(options.mailer ? { mailer: options.mailer } : {}),
    payUrl: (channel) => (channel === 'telegram' ? 'https://t.me/feebot_test_bot?start=pay' : 'http://feebot.test/?start=pay'),
    unsubscribeUrl: (id, channel) => `http://feebot.test/dunning/unsubscribe?t=${id}${channel ? `&c=${channel}` : ''}`,
    clock: () => clock.now,
    logger,
  });
  const outbox = createOutboxWorker({ db, clock: () => clock.now, logger, pollMs: 10, concurrency: 8, handlers: { dunning: (e) => sender.send(e), 'dunning-finish': (e) => service.finish(e), staff: async () => undefined, 'dunning-college': async () => undefined } });
  return { clock, service, sender, outbox };
}
