import { updateChannelChat } from '../db/repositories/channel-chat.repository.js';
import type { Db } from '../db/database.js';
import { optedOutChannels } from '../db/repositories/dunning-optout.repository.js';
import { activeDeferrals } from '../db/repositories/deferral.repository.js';
import { findReminder, outstandingOf, settleReminder } from '../db/repositories/dunning-reminder.repository.js';
import { findStudentById } from '../db/repositories/student.repository.js';
import { ChannelError, NotDeliveredError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.port.js';
import type { ChannelName, ChannelTransport } from '../ports/channel.port.js';
import type { OutboxEntry } from '../db/repositories/outbox.repository.js';
import { quietWaitMs, sendOffsetMs } from './cadence.js';
import { localTime } from './local-time.js';
import type { DunningDelivery } from './planner.js';
import type { DunningPolicy } from './policy.js';
import { reminderMail, reminderView } from './reminder-message.js';

// The outbox handler of kind `dunning`: sends one channel of one reminder, checking at send time what
// planning could not know yet (paid since, opted out since, quiet hours reached).

export interface ReminderSenderDeps {
  db: Db;
  policy: DunningPolicy;
  timezone: string;
  transports: Partial<Record<ChannelName, ChannelTransport>>;
  mailer?: Mailer;
  /** The link that opens 网上缴费 on this channel (Telegram deep link, signed web chat link). */
  payUrl: (channel: DunningDelivery['channel'], studentId: string, reminderId: number) => string;
  /** 申请缓缴 straight away: the chat's deep link (login first when needed). */
  deferUrl?: (channel: DunningDelivery['channel']) => string;
  /** The signed opt-out page; `channel` limits it to that channel (the chat button), else all. */
  unsubscribeUrl: (studentId: string, channel?: DunningDelivery['channel']) => string;
  clock: () => number;
  logger: Logger;
}

/** Failures before a reminder is counted as failed (the outbox would retry for much longer). */
const MAX_SEND_ATTEMPTS = 5;

export function createReminderSender(deps: ReminderSenderDeps) {
  const { db, policy, clock } = deps;

  async function send(entry: OutboxEntry): Promise<void> {
    const d = entry.payload as DunningDelivery;
    const reminder = await findReminder(db, d.reminderId);
    if (!reminder || reminder.status === 'skipped' || reminder.status === 'failed') return;
    const now = clock();
    const wait = quietWaitMs(now, policy.quietHours, deps.timezone);
    if (wait > 0) {
      // Quiet hours: stop here and resume after them, in the run's order and at its pace.
      const paced = wait + sendOffsetMs(d.seq, policy.sendRatePerSec);
      throw new ChannelError('quiet hours', Math.ceil(paced / 1000));
    }
    const out = await optedOutChannels(db, reminder.studentId);
    if (!d.optedOut && (out.has('all') || out.has(d.channel))) return settleReminder(db, reminder.id, { status: 'skipped', reason: 'optedOut' }, now);
    const itemIds = reminder.itemSteps.map(([id]) => id);
    const [owing, deferred] = await Promise.all([outstandingOf(db, itemIds), activeDeferrals(db, reminder.studentId, localTime(now, deps.timezone).date)]);
    const items = itemIds.flatMap((id) => {
      const i = owing.get(id);
      return i && i.outstanding > 0 && !deferred.has(id) ? [i] : [];
    });
    if (items.length === 0) return settleReminder(db, reminder.id, { status: 'skipped', reason: 'paid' }, now);
    const student = await findStudentById(db, reminder.studentId);
    const facts = { name: student?.name ?? reminder.studentId, items, finalNotice: reminder.finalNotice, optedOut: d.optedOut, payUrl: deps.payUrl(d.channel, reminder.studentId, reminder.id), ...(deps.deferUrl ? { deferUrl: deps.deferUrl(d.channel) } : {}), ref: String(reminder.id) };
    try {
      if (d.channel === 'email') {
        if (!deps.mailer) throw new Error('no mailer');
        const mail = reminderMail(d.lang, facts, deps.unsubscribeUrl(reminder.studentId));
        const unsubscribe = deps.unsubscribeUrl(reminder.studentId);
        await deps.mailer.send({
          to: d.address,
          ...mail,
          messageId: `<dunning-${reminder.id}@feebot>`,
          headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        });
      } else {
        const transport = deps.transports[d.channel];
        if (!transport) throw new ChannelError(`channel ${d.channel} is not enabled`, undefined, true);
        const view = reminderView(d.lang, { ...facts, unsubscribeUrl: deps.unsubscribeUrl(reminder.studentId, d.channel) });
        await transport.deliver({ channel: d.channel, chatId: d.address, view, menuMessageId: null, key: `outbox:${entry.id}`, priority: 'bulk' });
        // The reminder now sits below the chat's menu: the next menu is sent below it.
        await updateChannelChat(db, d.channel, d.address, { menuMessageId: null }, clock());
      }
    } catch (error) {
      if (error instanceof ChannelError && error.retryAfter !== undefined) throw error;
      // The platform refuses it now (WeChat outside the 48-hour window): not sent, the chat stays.
      if (error instanceof NotDeliveredError) return settleReminder(db, reminder.id, { status: 'failed', reason: 'outsideWindow' }, clock());
      const permanent = error instanceof ChannelError && error.permanent;
      if (permanent || entry.attempts + 1 >= MAX_SEND_ATTEMPTS) {
        deps.logger.warn({ reminderId: reminder.id, channel: d.channel, err: error instanceof Error ? error.message : String(error) }, 'reminder failed');
        await settleReminder(db, reminder.id, { status: 'failed', reason: permanent ? 'unreachable' : 'error' }, clock());
        if (permanent && d.channel !== 'email') await updateChannelChat(db, d.channel, d.address, { active: false }, clock());
        return;
      }
      throw error;
    }
    await settleReminder(db, reminder.id, { status: 'sent' }, clock());
  }

  return { send };
}
