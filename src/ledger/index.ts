export { createLedger, type Ledger, type LedgerDeps } from './ledger.js';
export type { CreateOrderInput } from './order-service.js';
export type { CreditReason } from './payment-service.js';
export { maskEmail } from './ledger-facts.js';
export type * from './ledger.types.js';
export type { HeldCredit, HeldCreditService, RefundResult } from './held-credit.service.js';
