import type { Fen } from '../money.js';
import type { FeeItemFacts } from './facts.js';
import type { SelectionLine } from './state.js';

// Pure fee arithmetic over the facts snapshot; amounts are fen.

export function totalOutstanding(items: readonly FeeItemFacts[]): Fen {
  return items.reduce((sum, item) => sum + Math.max(0, item.outstanding), 0);
}

export function totalReserved(items: readonly FeeItemFacts[]): Fen {
  return items.reduce((sum, item) => sum + Math.max(0, item.reserved), 0);
}

/** Items that can go into a new order. */
export function payableItems(items: readonly FeeItemFacts[]): FeeItemFacts[] {
  return items.filter((item) => item.outstanding > 0);
}

/** 未缴清项目: not fully paid (some of it may be held by a pending order). */
export function unpaidItems(items: readonly FeeItemFacts[]): FeeItemFacts[] {
  return items.filter((item) => item.amountDue - item.amountPaid > 0);
}

/** 缴费历史项目: anything paid, in full or in part. */
export function historyItems(items: readonly FeeItemFacts[]): FeeItemFacts[] {
  return items.filter((item) => item.amountPaid > 0);
}

/** Distinct fee periods, newest first (`2025-2026` sorts after `2024-2025`). */
export function feePeriods(items: readonly FeeItemFacts[]): string[] {
  return [...new Set(items.map((item) => item.feePeriod))].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

/** Outstanding per period, only periods that owe something, newest first. */
export function arrearsByPeriod(items: readonly FeeItemFacts[]): { period: string; amount: Fen }[] {
  return feePeriods(items)
    .map((period) => ({ period, amount: totalOutstanding(items.filter((item) => item.feePeriod === period)) }))
    .filter((row) => row.amount > 0);
}

export function findItem(items: readonly FeeItemFacts[], itemId: number): FeeItemFacts | undefined {
  return items.find((item) => item.id === itemId);
}

export function selectionTotal(selection: readonly SelectionLine[]): Fen {
  return selection.reduce((sum, line) => sum + line.amount, 0);
}

/** Replaces the line for `line.itemId`, or appends it, keeping the order of the others. */
export function upsertLine(selection: readonly SelectionLine[], line: SelectionLine): SelectionLine[] {
  return selection.some((l) => l.itemId === line.itemId)
    ? selection.map((l) => (l.itemId === line.itemId ? line : l))
    : [...selection, line];
}

export type SelectionProblem =
  | { kind: 'dropped'; itemId: number; item: FeeItemFacts | undefined }
  | { kind: 'adjusted'; itemId: number; item: FeeItemFacts; amount: Fen };

/**
 * Checks a selection against the current facts (an item's outstanding may have dropped since it
 * was chosen): lines that owe nothing are dropped, amounts above the outstanding are clamped, and
 * a part payment that is no longer allowed becomes the whole outstanding.
 */
export function revalidateSelection(
  selection: readonly SelectionLine[],
  items: readonly FeeItemFacts[],
): { selection: SelectionLine[]; problems: SelectionProblem[] } {
  const valid: SelectionLine[] = [];
  const problems: SelectionProblem[] = [];
  for (const line of selection) {
    const item = findItem(items, line.itemId);
    if (!item || item.outstanding <= 0 || line.amount <= 0) {
      problems.push({ kind: 'dropped', itemId: line.itemId, item });
      continue;
    }
    const partAllowed = item.installmentAllowed && line.amount >= Math.min(item.minInstallment, item.outstanding);
    const amount = line.amount > item.outstanding || (line.amount < item.outstanding && !partAllowed) ? item.outstanding : line.amount;
    if (amount !== line.amount) problems.push({ kind: 'adjusted', itemId: line.itemId, item, amount });
    valid.push({ itemId: line.itemId, amount });
  }
  return { selection: valid, problems };
}
