import type { Db } from '../db/database.js';
import { findChannelChat, updateChannelChat } from '../db/repositories/channel-chat.repository.js';
import type { OutboxEntry } from '../db/repositories/outbox.repository.js';
import type { Logger } from '../logger.js';
import type { ChannelName, ChannelTransport } from '../ports/channel.port.js';
import type { ReceiptIssuer } from '../ports/receipt.port.js';
import type { StaffNotifier } from '../ports/staff.port.js';
import type { RuntimeDispatcher } from './dispatcher.js';
import type { CommandRunner, OutboxPayloads } from './runtime-types.js';
import type { OutboxHandler } from './outbox-worker.js';
import type { Ledger } from '../ledger/index.js';

export interface OutboxHandlerDeps {
  db: Db;
  transports: Partial<Record<ChannelName, ChannelTransport>>;
  dispatcher: RuntimeDispatcher;
  runCommand: CommandRunner;
  ledger: Ledger;
  receiptIssuer: ReceiptIssuer;
  /** Absolute URL of a receipt page for a view token. */
  receiptUrl: (viewToken: string) => string;
  /** The finance office's channel (Slack), when one is configured. */
  staff?: StaffNotifier;
  clock: () => number;
  logger: Logger;
}

function payloadOf<K extends keyof OutboxPayloads>(entry: OutboxEntry): OutboxPayloads[K] {
  return entry.payload as OutboxPayloads[K];
}

/** One handler per outbox kind. Each is safe to run again after a crash (idempotent or harmless). */
export function createOutboxHandlers(deps: OutboxHandlerDeps): Record<keyof OutboxPayloads, OutboxHandler> {
  const { db, clock } = deps;

  function transportFor(channel: ChannelName): ChannelTransport {
    const transport = deps.transports[channel];
    if (!transport) throw new Error(`channel ${channel} is not enabled`);
    return transport;
  }

  return {
    async deliver(entry) {
      const { channel, chatId, view } = payloadOf<'deliver'>(entry);
      const freshMenu = payloadOf<'deliver'>(entry).freshMenu || view.fresh === true;
      const chat = await findChannelChat(db, channel, chatId);
      if (!chat.active) return;
      const isMenu = view.placement === 'menu';
      // The outcome of a progress notice is drawn over it; otherwise a menu is edited in place only
      // while nothing (a message, a typed answer) went below it.
      const overProgress = !freshMenu && chat.progressMessageId !== null;
      const target = overProgress ? chat.progressMessageId : isMenu && !freshMenu && !chat.menuDetached ? chat.menuMessageId : null;
      const replacesMenuMessageId = isMenu && chat.menuMessageId !== target ? chat.menuMessageId : null;
      const result = await transportFor(channel).deliver({
        channel,
        chatId,
        view,
        menuMessageId: target,
        menuMessageIsProgress: overProgress,
        replacesMenuMessageId,
        key: `outbox:${entry.id}`,
      });
      const shownId = result.messageId ?? result.menuMessageId ?? null;
      const progressMessageId = view.progress && shownId !== null ? shownId : null;
      // Written only when something changed: a menu edited in place (most button presses) keeps its
      // id, and skipping the write saves a commit per update.
      if (isMenu && result.menuMessageId !== undefined) {
        const unchanged = result.menuMessageId === chat.menuMessageId && !chat.menuDetached && progressMessageId === chat.progressMessageId;
        if (!unchanged) await updateChannelChat(db, channel, chatId, { menuMessageId: result.menuMessageId, menuDetached: false, progressMessageId }, clock());
      } else if (!isMenu) {
        // A message now sits below the old menu: the next menu goes below it too, and takes its place.
        // Drawn over a progress menu, the message took the menu's place: there is no menu left.
        const menuGone = overProgress && chat.progressMessageId === chat.menuMessageId;
        const change = menuGone ? { menuMessageId: null, menuDetached: false } : { menuDetached: chat.menuMessageId !== null };
        const unchanged = !menuGone && change.menuDetached === chat.menuDetached && progressMessageId === chat.progressMessageId;
        if (!unchanged) await updateChannelChat(db, channel, chatId, { ...change, progressMessageId }, clock());
      }
    },

    async detach(entry) {
      const { channel, chatId } = payloadOf<'detach'>(entry);
      const chat = await findChannelChat(db, channel, chatId);
      // What is shown stays where it is, progress notices too: their outcome now goes below the answer.
      if ((chat.menuMessageId !== null && !chat.menuDetached) || chat.progressMessageId !== null) {
        await updateChannelChat(db, channel, chatId, { menuDetached: chat.menuMessageId !== null, progressMessageId: null }, clock());
      }
    },

    async delete(entry) {
      const { channel, chatId, messageId } = payloadOf<'delete'>(entry);
      await transportFor(channel).deleteMessage(chatId, messageId);
    },

    async clear(entry) {
      const { channel, chatId } = payloadOf<'clear'>(entry);
      await transportFor(channel).clearHistory?.(chatId);
    },

    async event(entry) {
      const { channel, chatId, event } = payloadOf<'event'>(entry);
      await deps.dispatcher.deliverEvent(channel, chatId, event, entry);
    },

    async command(entry) {
      const { channel, chatId, command, lang } = payloadOf<'command'>(entry);
      const answer = await deps.runCommand(command, { channel, chatId, now: clock(), lang, requestKey: `outbox:${entry.id}` });
      if (answer) await deps.dispatcher.deliverEvent(channel, chatId, answer, entry);
    },

    async receipt(entry) {
      const { orderId } = payloadOf<'receipt'>(entry);
      const order = await deps.ledger.getOrder(orderId);
      if (!order) throw new Error(`receipt for unknown order ${orderId}`);
      const receipt = await deps.ledger.issueReceipt(orderId, deps.receiptIssuer, clock());
      await deps.dispatcher.deliverEvent(order.channel as ChannelName, order.chatId, {
        kind: 'payment.confirmed',
        orderId,
        total: receipt.total,
        receiptNo: receipt.receiptNo,
        receiptUrl: deps.receiptUrl(receipt.viewToken),
      }, entry);
    },

    async staff(entry) {
      // No staff channel configured: the fact stays in the database (CLI, later Slack), nothing to send.
      await deps.staff?.notify(payloadOf<'staff'>(entry).event);
    },
  };
}
