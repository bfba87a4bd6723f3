import { createHmac, timingSafeEqual } from 'node:crypto';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Hono } from 'hono';
import type { Logger } from '../../src/logger.js';

/** Slack's replay window: a request signed more than 5 minutes from now is refused. */
export const SIGNATURE_WINDOW_SEC = 300;
const MAX_BODY_BYTES = 512 * 1024;
/** Slack gives up after 3 s; answer empty (= ack) before that if a listener forgot to ack. */
const ACK_DEADLINE_MS = 2_500;

export interface HonoReceiverOptions {
  signingSecret: string;
  clock: () => number;
  logger: Logger;
  /** Records an Events API event_id; false when it was seen before (a Slack retry). */
  recordEvent: (eventId: string) => Promise<boolean>;
  ackDeadlineMs?: number;
}

export interface ReceiverResponse {
  status: number;
  body: string;
  contentType?: string;
}

/** `v0=` + HMAC-SHA256(secret, `v0:${ts}:${rawBody}`), as Slack signs every request. */
export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export function isValidSlackSignature(secret: string, headers: Headers, rawBody: string, nowMs: number): boolean {
  const signature = headers.get('x-slack-signature');
  const timestamp = headers.get('x-slack-request-timestamp');
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > SIGNATURE_WINDOW_SEC) return false;
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(raw));
    // Interactivity (buttons, modals) arrives as one JSON `payload` field.
    return typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, unknown>) : form;
  }
  return JSON.parse(raw) as Record<string, unknown>;
}

/**
 * Bolt receiver on feebot's own hono server (modelled on bolt-js AwsLambdaReceiver): verifies the
 * signature over the raw body, drops Slack's retries of an event already taken, hands the body to
 * `app.processEvent`, and answers as soon as the listener acks, with what it acked. The listener's
 * remaining work carries on after the answer.
 */
export class HonoSlackReceiver implements Receiver {
  private app: App | null = null;
  private readonly ackDeadlineMs: number;

  constructor(private readonly options: HonoReceiverOptions) {
    this.ackDeadlineMs = options.ackDeadlineMs ?? ACK_DEADLINE_MS;
  }

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  mount(hono: Hono, path: string): void {
    hono.post(path, async (c) => {
      const declared = Number(c.req.header('content-length') ?? '0');
      if (declared > MAX_BODY_BYTES) return c.body('', 413);
      const raw = await c.req.text();
      const result = await this.handle(raw, c.req.raw.headers);
      return c.body(result.body, result.status as 200, result.contentType ? { 'content-type': result.contentType } : {});
    });
  }

  async handle(raw: string, headers: Headers): Promise<ReceiverResponse> {
    const { logger } = this.options;
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return { status: 413, body: '' };
    if (!isValidSlackSignature(this.options.signingSecret, headers, raw, this.options.clock())) {
      logger.warn({ ts: headers.get('x-slack-request-timestamp') }, 'slack request with a bad or stale signature refused');
      return { status: 401, body: '' };
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, headers.get('content-type') ?? '');
    } catch {
      return { status: 400, body: '' };
    }
    if (body.ssl_check !== undefined) return { status: 200, body: '' };
    if (body.type === 'url_verification') return { status: 200, body: JSON.stringify({ challenge: body.challenge }), contentType: 'application/json' };
    if (typeof body.event_id === 'string' && !(await this.options.recordEvent(body.event_id))) {
      logger.info({ eventId: body.event_id, retry: headers.get('x-slack-retry-num') }, 'slack retry of a handled event ignored');
      return { status: 200, body: '' };
    }
    const retryNum = headers.get('x-slack-retry-num');
    return this.dispatch({ body, retryNum: retryNum === null ? undefined : Number(retryNum), retryReason: headers.get('x-slack-retry-reason') ?? undefined });
  }

  /** Processes one verified body; resolves with the answer once the listener acked (or gave up). */
  async dispatch(event: Omit<ReceiverEvent, 'ack'>): Promise<ReceiverResponse> {
    const app = this.app;
    if (!app) return { status: 503, body: '' };
    let acked: ((value: ReceiverResponse) => void) | null = null;
    const ackPromise = new Promise<ReceiverResponse>((resolve) => (acked = resolve));
    let isAcked = false;
    const ack = async (response?: unknown): Promise<void> => {
      if (isAcked) return;
      isAcked = true;
      acked?.(toResponse(response));
    };
    const processing = app.processEvent({ ...event, ack }).then(
      (): ReceiverResponse => (isAcked ? { status: 200, body: '' } : { status: 404, body: '' }),
      (error: unknown): ReceiverResponse => {
        this.options.logger.error({ err: error }, 'slack listener failed');
        return { status: isAcked ? 200 : 500, body: '' };
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<ReceiverResponse>((resolve) => {
      timer = setTimeout(() => resolve({ status: 200, body: '' }), this.ackDeadlineMs);
    });
    try {
      return await Promise.race([ackPromise, processing, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function toResponse(response: unknown): ReceiverResponse {
  if (response === undefined || response === null || response === '') return { status: 200, body: '' };
  if (typeof response === 'string') return { status: 200, body: response };
  return { status: 200, body: JSON.stringify(response), contentType: 'application/json' };
}
