import type { Generated } from 'kysely';

// Students, fee items, orders, payments, receipts, refunds, deferrals: the money.
// Row shapes of tables created in migrations/; money in fen, times in epoch ms.

export interface StudentsTable {
  student_id: string;
  name: string;
  college: string;
  major: string;
  class_name: string;
  recovery_email: string | null;
  phone: string | null;
  id_number: string | null;
  password_hash: string;
  must_change_password: number;
  password_changed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface FeeItemsTable {
  id: Generated<number>;
  student_id: string;
  fee_period: string;
  code: string;
  name: string;
  amount_due: number;
  amount_paid: Generated<number>;
  installment_allowed: number;
  min_installment: number;
  due_date: string | null;
  updated_at: number;
}

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'closed';

export interface OrdersTable {
  id: string;
  student_id: string;
  status: OrderStatus;
  total: number;
  gateway: string;
  channel: string;
  chat_id: string;
  pay_url: string | null;
  qr_payload: string | null;
  created_at: number;
  expires_at: number;
  settled_at: number | null;
  /** The request that created the order (idempotency); null for orders made without one. */
  request_key: string | null;
}

export interface OrderLinesTable {
  order_id: string;
  fee_item_id: number;
  amount: number;
  /** What the line put on its item when the order was paid; null until then. */
  credited: number | null;
}

/** applied: credited normally; late: order was expired/closed, still credited; mismatch/orphan: held for staff. */
export type PaymentOutcome = 'applied' | 'late' | 'mismatch' | 'orphan';

export interface PaymentsTable {
  id: Generated<number>;
  gateway: string;
  transaction_id: string;
  order_id: string;
  amount: number;
  outcome: PaymentOutcome;
  paid_at: number;
  received_at: number;
  /** 1 once the receipt / notices for this payment are in the outbox (same transaction as the credit). */
  follow_ups_queued: Generated<number>;
}

export interface CreditsTable {
  id: Generated<number>;
  student_id: string;
  payment_id: number;
  amount: number;
  reason: string;
  flagged: Generated<number>;
  created_at: number;
}

export interface ReceiptsTable {
  receipt_no: string;
  order_id: string;
  check_code: string;
  view_token: string;
  payer_name: string;
  total: number;
  issued_at: number;
  /** 票据代码; null for receipts issued before it was kept. */
  bill_code: string | null;
  /** 收款单位 when issued; null before it was kept (the current UNIVERSITY_NAME is shown). */
  payee_name: string | null;
  /** 1 when a sandbox issuer made it (no legal value); null before it was kept (the sandbox was the only issuer). */
  sandbox: number | null;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface RefundsTable {
  /** Our refund number (WeChat Pay out_refund_no, Alipay out_request_no), derived from the credit. */
  refund_no: string;
  credit_id: number;
  attempt: number;
  gateway: string;
  order_id: string;
  transaction_id: string;
  amount: number;
  /** The whole payment the refund is taken from (WeChat Pay wants it with every refund). */
  payment_total: number;
  status: RefundStatus;
  gateway_refund_id: string | null;
  created_at: number;
  settled_at: number | null;
}

export interface CreditResolutionsTable {
  id: Generated<number>;
  credit_id: number;
  kind: 'offset' | 'refund';
  amount: number;
  fee_item_id: number | null;
  refund_no: string | null;
  note: string;
  actor: string;
  created_at: number;
}

export type DeferralStatus = 'pending' | 'approved' | 'rejected';

export interface DeferralsTable {
  id: Generated<number>;
  student_id: string;
  /** JSON array of fee item ids. */
  item_ids: string;
  /** `YYYY-MM-DD` the items are deferred to. */
  until_date: string;
  reason: string;
  status: Generated<DeferralStatus>;
  /** The chat the student asked from: the decision is sent there. */
  channel: string;
  chat_id: string;
  decided_by: string | null;
  decision_note: string | null;
  created_at: number;
  decided_at: number | null;
}

export interface ReconcileReportsTable {
  /** Beijing date, YYYY-MM-DD. */
  date: string;
  report_json: string;
  differences: number;
  created_at: number;
}
