import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Db } from '../../src/db/database.js';
import { findSlackCard, saveSlackCard } from '../../src/db/repositories/slack-card.repository.js';
import { ChannelError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { StaffEvent, StaffNotifier } from '../../src/ports/staff.port.js';
import type { CardLoader } from './slack-cards.js';
import type { SlackMessage } from './slack-render.js';

export interface SlackTransportDeps {
  /** Built with rejectRateLimitedCalls: a 429 throws instead of pausing the whole client. */
  client: WebClient;
  db: Db;
  cards: CardLoader;
  channel: string;
  ratePerChannelPerSec: number;
  clock: () => number;
  logger: Logger;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spaces posts to one channel (Slack allows about one message per second per channel). */
export function createChannelPacer(ratePerSec: number, clock: () => number) {
  const nextFree = new Map<string, number>();
  const gap = 1000 / ratePerSec;
  return async function pace(channel: string): Promise<void> {
    const now = clock();
    const at = Math.max(now, nextFree.get(channel) ?? 0);
    nextFree.set(channel, at + gap);
    if (at > now) await sleep(at - now);
  };
}

/** Slack's errors in the outbox's terms: a 429 waits Retry-After without spending an attempt. */
export function toChannelError(error: unknown): unknown {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === ErrorCode.RateLimitedError && typeof e.retryAfter === 'number') return new ChannelError('slack rate limited', e.retryAfter);
  return error;
}

function platformError(error: unknown): string | null {
  const e = error as { code?: string; data?: { error?: string } };
  return e.code === ErrorCode.PlatformError ? (e.data?.error ?? null) : null;
}

/**
 * The staff channel's StaffNotifier: each event's card is posted once to the staff channel and,
 * when the event comes again (the ticket was claimed, the credit refunded), updated in place.
 * Runs inside the outbox worker, so a failure is retried and a 429 rescheduled, in order.
 */
export function createSlackTransport(deps: SlackTransportDeps): StaffNotifier & { post(channel: string, message: SlackMessage): Promise<string> } {
  const { client, db, cards, logger } = deps;
  const pace = createChannelPacer(deps.ratePerChannelPerSec, deps.clock);

  async function post(channel: string, message: SlackMessage): Promise<string> {
    await pace(channel);
    try {
      const res = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false });
      return String(res.ts);
    } catch (error) {
      throw toChannelError(error);
    }
  }

  async function postOrUpdate(subject: string, message: SlackMessage): Promise<void> {
    const existing = await findSlackCard(db, subject);
    if (existing) {
      await pace(existing.channelId);
      try {
        await client.chat.update({ channel: existing.channelId, ts: existing.ts, text: message.text, blocks: message.blocks });
        return;
      } catch (error) {
        const code = platformError(error);
        // The message was deleted in Slack: post the card again rather than lose it.
        if (code !== 'message_not_found' && code !== 'cant_update_message') throw toChannelError(error);
        logger.warn({ subject, code }, 'slack card could not be updated; posting it again');
      }
    }
    const ts = await post(deps.channel, message);
    await saveSlackCard(db, subject, deps.channel, ts, deps.clock());
  }

  async function card(event: StaffEvent): Promise<{ subject: string; message: SlackMessage | null } | null> {
    switch (event.kind) {
      case 'ticket.opened':
        return { subject: `ticket:${event.reportId}`, message: await cards.ticket(event.reportId) };
      case 'credit.held':
        return { subject: `credit:${event.creditId}`, message: await cards.credit(event.creditId) };
      case 'deferral.requested':
        return { subject: `deferral:${event.deferralId}`, message: await cards.deferral(event.deferralId) };
      case 'reconcile.differences':
        // A re-run of the same day updates its card rather than posting a second one.
        return { subject: `reconcile:${event.date}`, message: await cards.reconcile(event.date) };
      case 'dunning.summary':
        return { subject: `dunning.summary:${event.runId}`, message: await cards.dunningSummary(event.runId) };
      case 'dunning.escalated':
        // One list per run, never one message per student: a run may escalate hundreds.
        return { subject: `dunning.escalated:${event.runId}`, message: await cards.dunningEscalated(event.runId) };
      default:
        return null;
    }
  }

  return {
    post,
    async notify(event) {
      const found = await card(event);
      if (!found) {
        logger.info({ kind: event.kind }, 'staff event with nothing to post; skipped');
        return;
      }
      if (!found.message) {
        logger.warn({ subject: found.subject }, 'staff event refers to a missing record; skipped');
        return;
      }
      await postOrUpdate(found.subject, found.message);
    },
  };
}
