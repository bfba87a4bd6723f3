import type { Fen } from '../money.js';

// 财政电子票据: issued by an external platform after a payment. The sandbox issuer answers at once.

export interface ReceiptRequest {
  orderId: string;
  studentId: string;
  payerName: string;
  total: Fen;
  lines: { feePeriod: string; name: string; amount: Fen }[];
  paidAt: number;
}

export interface IssuedReceipt {
  receiptNo: string;
  checkCode: string;
}

export interface ReceiptIssuer {
  /** Idempotent per orderId. */
  issue(request: ReceiptRequest): Promise<IssuedReceipt>;
}
