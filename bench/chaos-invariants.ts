import type { Db } from '../src/db/database.js';
import {
  countInboundUpdates,
  countWebBubblesMentioning,
  creditedOrdersAndReceipts,
  duplicatedOrderRequests,
  ledgerTotals,
  ordersNotPaid,
  type LedgerTotals,
} from '../src/db/repositories/ledger-totals.repository.js';
import type { FakeCall } from '../tests/telegram/fake-bot-api.js';

export interface InvariantReport {
  totals: LedgerTotals;
  payments: number;
  receipts: number;
  violations: string[];
}

/**
 * What must hold after any number of crashes, once everything was resent and reconciled:
 * every fen accounted for, one receipt and one 缴费成功 per credited order, nothing pending, no
 * payment the gateway took missing from the ledger, no order created twice, no update lost.
 */
export async function checkInvariants(
  db: Db,
  seen: { paidAtGateway: Set<string>; telegramSent: Map<number, number>; telegramCalls: FakeCall[]; unanswered: number },
): Promise<InvariantReport> {
  const violations: string[] = [];
  const totals = await ledgerTotals(db);
  if (totals.payments !== totals.creditedToItems + totals.held) {
    violations.push(`Σ payments ${totals.payments} ≠ Σ credited ${totals.creditedToItems} + Σ held ${totals.held}`);
  }
  if (totals.itemsPaid !== totals.creditedToItems) violations.push(`Σ item amount_paid ${totals.itemsPaid} ≠ Σ credited ${totals.creditedToItems}`);
  if (totals.pendingOrders > 0) violations.push(`${totals.pendingOrders} orders still pending after reconciliation`);
  if (seen.unanswered > 0) violations.push(`${seen.unanswered} notifications or updates never accepted`);

  const credited = await creditedOrdersAndReceipts(db);
  for (const order of credited) {
    if (order.receipts !== 1 || !order.receiptNo) {
      violations.push(`order ${order.orderId} credited with ${order.receipts} receipts`);
      continue;
    }
    const bubbles = await countWebBubblesMentioning(db, order.receiptNo);
    if (bubbles !== 1) violations.push(`order ${order.orderId}: ${bubbles} 缴费成功 messages for receipt ${order.receiptNo}`);
  }
  for (const lost of await ordersNotPaid(db, [...seen.paidAtGateway])) violations.push(`paid at the gateway, not in the ledger: ${lost}`);
  for (const key of await duplicatedOrderRequests(db)) violations.push(`order created twice for ${key}`);

  const updates = [...seen.telegramSent.values()].reduce((a, b) => a + b, 0);
  const recorded = await countInboundUpdates(db, 'telegram');
  if (recorded !== updates) violations.push(`${updates} Telegram updates sent, ${recorded} recorded as handled`);
  for (const [chat, sent] of seen.telegramSent) {
    const replies = seen.telegramCalls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(chat)).length;
    if (replies < sent) violations.push(`Telegram chat ${chat}: ${sent} updates, only ${replies} replies`);
  }
  return { totals, payments: (await ledgerTotals(db)).payments, receipts: credited.length, violations };
}
