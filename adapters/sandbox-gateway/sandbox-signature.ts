import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SignatureError, ValidationError } from '../../src/errors.js';
import type { PaymentNotification } from '../../src/ports/gateway.port.js';

// Notification signing, Stripe-style: HMAC-SHA256 over `${timestamp}.${nonce}.${rawBody}`, with a
// timestamp tolerance so a captured request cannot be replayed later. Replays inside the window are
// caught by the receiver deduping on the transaction id.

export const TIMESTAMP_HEADER = 'x-sandbox-timestamp';
export const NONCE_HEADER = 'x-sandbox-nonce';
export const SIGNATURE_HEADER = 'x-sandbox-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface SandboxSignatureHeaders {
  [TIMESTAMP_HEADER]: string;
  [NONCE_HEADER]: string;
  [SIGNATURE_HEADER]: string;
}

const TIMESTAMP_PATTERN = /^\d{1,12}$/;
const NONCE_PATTERN = /^[0-9a-f]{16,64}$/i;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/i;

function hmac(secret: string, timestamp: string, nonce: string, rawBody: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.${rawBody}`, 'utf8').digest();
}

/** Headers for one delivery; a fresh nonce each call unless one is given (tests). */
export function signSandboxPayload(secret: string, rawBody: string, now: number, nonce = randomBytes(16).toString('hex')): SandboxSignatureHeaders {
  const timestamp = String(Math.floor(now / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: hmac(secret, timestamp, nonce, rawBody).toString('hex'),
  };
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

const notificationSchema = z.strictObject({
  transactionId: z.string().min(1).max(64),
  orderId: z.string().min(1).max(40),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  status: z.enum(['paid', 'failed']),
  paidAt: z.number().int().nonnegative(),
});

/**
 * Checks headers and signature over the raw body, then the timestamp window, and only then parses.
 * Pure: no state, no clock of its own (`now` is epoch ms). Throws SignatureError / ValidationError.
 */
export function verifySandboxNotification(
  secret: string,
  rawBody: string,
  headers: Record<string, string | undefined>,
  now: number,
): PaymentNotification {
  const timestamp = header(headers, TIMESTAMP_HEADER)?.trim();
  const nonce = header(headers, NONCE_HEADER)?.trim();
  const signature = header(headers, SIGNATURE_HEADER)?.trim();
  if (!timestamp || !nonce || !signature) throw new SignatureError('missing sandbox signature headers');
  if (!TIMESTAMP_PATTERN.test(timestamp) || !NONCE_PATTERN.test(nonce) || !SIGNATURE_PATTERN.test(signature)) {
    throw new SignatureError('malformed sandbox signature headers');
  }

  // Both buffers are 32 bytes here (the pattern fixed the hex length), as timingSafeEqual requires.
  const expected = hmac(secret, timestamp, nonce, rawBody);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureError('sandbox signature mismatch');
  }

  const skew = Math.abs(Math.floor(now / 1000) - Number(timestamp));
  if (skew > SIGNATURE_TOLERANCE_SECONDS) throw new SignatureError('sandbox signature timestamp outside tolerance');

  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new ValidationError('sandbox notification is not JSON');
  }
  const parsed = notificationSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(`sandbox notification has a bad shape: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}
