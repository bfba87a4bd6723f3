import { createHash } from 'node:crypto';

/**
 * A Message-ID fixed by the request that causes the mail (an outbox entry's key): when a crash makes
 * the entry run again, the second copy carries the same Message-ID, which mail clients show as one.
 */
export function requestMessageId(purpose: string, requestKey: string, publicBaseUrl: string): string {
  const digest = createHash('sha256').update(`${purpose}\n${requestKey}`).digest('hex').slice(0, 32);
  return `<${purpose}.${digest}@${new URL(publicBaseUrl).hostname}>`;
}
