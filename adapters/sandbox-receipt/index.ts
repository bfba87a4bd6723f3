export { createSandboxReceiptIssuer, SANDBOX_BILL_CODE, type SandboxReceiptOptions } from './sandbox-receipt-issuer.js';
