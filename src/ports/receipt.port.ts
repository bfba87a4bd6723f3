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
  /** 票据号码 */
  receiptNo: string;
  /** 校验码 */
  checkCode: string;
  /** 票据代码: the kind of bill and the issuing finance bureau. */
  billCode: string;
  /** 收款单位 printed on the receipt. */
  payeeName: string;
  /** Issued by a sandbox: no legal value, and the page says so. */
  sandbox: boolean;
}

export interface ReceiptIssuer {
  /** Idempotent per orderId. */
  issue(request: ReceiptRequest): Promise<IssuedReceipt>;
}
