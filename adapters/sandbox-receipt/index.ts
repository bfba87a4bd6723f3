export { createSandboxReceiptIssuer, type SandboxReceiptOptions } from './sandbox-receipt-issuer.js';
