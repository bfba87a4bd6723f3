// Exceptions are for bugs and I/O faults only; domain outcomes are states and views.

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 500,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class GatewayError extends AppError {
  constructor(message: string, readonly retryable = true) {
    super('GATEWAY_ERROR', message, 502);
  }
}

export class ChannelError extends AppError {
  constructor(
    message: string,
    /** Seconds the platform asked us to wait (HTTP 429). */
    readonly retryAfter?: number,
    /** The chat can no longer be reached (e.g. the user blocked the bot). */
    readonly permanent = false,
  ) {
    super('CHANNEL_ERROR', message, 502);
  }
}

/**
 * The platform will not take this message now, though the chat is fine (WeChat's 48-hour
 * customer-service window): a bulk sender records it as not delivered instead of as sent.
 */
export class NotDeliveredError extends ChannelError {
  constructor(message: string) {
    super(message);
  }
}

export class SignatureError extends AppError {
  constructor(message: string) {
    super('BAD_SIGNATURE', message, 401);
  }
}

export class ValidationError extends AppError {
  constructor(message: string) {
    super('VALIDATION', message, 400);
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
