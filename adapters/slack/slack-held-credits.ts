// The slice of the ledger's held-credit service (ledger.heldCredits) the flagged-money card uses.

export interface HeldCredits {
  /** Records a refund to be paid for a held credit; the credit stops being held. */
  refundHeldCredit(input: { creditId: number; note: string; actor: string; now: number }): Promise<{ refundId: number; status: string }>;
  /** Applies a held credit to another unpaid item of the same student. */
  offsetHeldCredit(input: { creditId: number; feeItemId: number; note: string; actor: string; now: number }): Promise<{ applied: number }>;
}
