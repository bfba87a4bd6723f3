// Payment gateway state: the sandbox gateway and the checkout page.
// Row shapes of tables created in migrations/; money in fen, times in epoch ms.

export interface SandboxOrdersTable {
  order_id: string;
  amount: number;
  subject: string;
  student_id: string;
  payer_name: string;
  status: 'pending' | 'paid' | 'failed' | 'closed';
  transaction_id: string | null;
  phone: string | null;
  sms_code: string | null;
  method: string | null;
  notify_url: string;
  created_at: number;
  expires_at: number;
  paid_at: number | null;
}

export interface SandboxRefundsTable {
  refund_no: string;
  order_id: string;
  amount: number;
  status: 'succeeded';
  created_at: number;
}

export interface CheckoutOrdersTable {
  order_id: string;
  amount: number;
  subject: string;
  student_id: string;
  payer_name: string;
  expires_at: number;
  created_at: number;
}

export interface CheckoutAttemptsTable {
  order_id: string;
  gateway: string;
  method: string;
  created_at: number;
}
