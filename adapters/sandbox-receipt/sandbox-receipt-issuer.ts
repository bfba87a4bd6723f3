import { createHash } from 'node:crypto';
import type { IssuedReceipt, ReceiptIssuer, ReceiptRequest } from '../../src/ports/receipt.port.js';

const CHECK_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * 票据代码 of the sandbox: real codes start with the province's 2-digit area code; 99 is no
 * province's, so a sandbox receipt can never pass for a real one.
 */
export const SANDBOX_BILL_CODE = '99010126';

export interface SandboxReceiptOptions {
  /** Mixed into the hash so two demo installations do not hand out the same numbers. */
  salt?: string;
  /** 收款单位 (the university); the demo's fictional one when not given. */
  payeeName?: string;
}

/**
 * Stands in for the provincial 财政电子票据 platform: answers at once with a number derived from
 * the order id, so issuing twice for one order (a retry) yields the same receipt.
 */
export function createSandboxReceiptIssuer(options: SandboxReceiptOptions = {}): ReceiptIssuer {
  const salt = options.salt ?? 'feebot-sandbox-receipt';
  const payeeName = options.payeeName ?? '示例大学';
  return {
    issue(request: ReceiptRequest): Promise<IssuedReceipt> {
      const digest = createHash('sha256').update(`${salt}\n${request.orderId}`).digest();
      const number = digest.readBigUInt64BE(0) % 10_000_000_000n;
      let checkCode = '';
      for (let i = 8; i < 14; i++) checkCode += CHECK_ALPHABET[digest[i]! % CHECK_ALPHABET.length];
      return Promise.resolve({ receiptNo: `SB${number.toString().padStart(10, '0')}`, checkCode, billCode: SANDBOX_BILL_CODE, payeeName, sandbox: true });
    },
  };
}
