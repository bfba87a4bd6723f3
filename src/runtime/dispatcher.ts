import { SECRET_COMMANDS, type Command } from '../engine/commands.js';
import type { Effect } from '../engine/effects.js';
import type { EngineEvent } from '../engine/events.js';
import type { EngineConfig } from '../engine/facts.js';
import { STATE_VERSION, initialState, type ConversationState, type Lang } from '../engine/state.js';
import { transition } from '../engine/transition.js';
import { inTransaction, type Db } from '../db/database.js';
import { updateChannelChat } from '../db/repositories/channel-chat.repository.js';
import { findConversation, findConversationUnlessHandled, saveConversation } from '../db/repositories/conversation.repository.js';
import { recordInboundUpdate } from '../db/repositories/inbound-update.repository.js';
import { completeClaimedOutbox, enqueueOutbox, enqueueOutboxClaimingHeads, type NewOutboxEntry, type OutboxEntry } from '../db/repositories/outbox.repository.js';
import type { Logger } from '../logger.js';
import type { ChannelName } from '../ports/channel.port.js';
import type { DispatchOutcome, Dispatcher, InboundUpdate } from './inbound.js';
import { createKeyedMutex } from './keyed-mutex.js';
import { chatLane } from './chat-lane.js';
import type { CommandRunner, EventWithoutTime, OutboxPayloads } from './runtime-types.js';
import type { Ledger } from '../ledger/index.js';

export interface DispatcherDeps {
  db: Db;
  engineConfig: EngineConfig;
  defaultLanguage: Lang;
  ledger: Ledger;
  runCommand: CommandRunner;
  clock: () => number;
  logger: Logger;
  /** Wakes the outbox worker after new entries are committed. */
  onEnqueued: () => void;
  /**
   * Hands entries to this process's outbox worker as they commit: due entries heading an idle lane
   * are committed already claimed for `leaseMs` and run at once (no query and claim by the worker).
   */
  handOff?: { leaseMs: number; run: (entries: OutboxEntry[]) => void };
}

export interface RuntimeDispatcher extends Dispatcher {
  /**
   * Delivers an event that did not come from the user (timers, payments, command answers). With
   * `completes`, the outbox entry that carried the event is marked done in the same transaction as
   * the event's effects: a crash cannot deliver it twice, and a lost lease delivers it not at all.
   */
  deliverEvent(channel: ChannelName, chatId: string, event: EventWithoutTime, completes?: OutboxEntry): Promise<void>;
  /**
   * Queues a standalone message to a chat that has no conversation of its own (a Telegram group
   * told to talk privately): the chat's outbox lane, its limits and retries, no engine state.
   */
  deliverMessage(channel: ChannelName, chatId: string, text: string): Promise<void>;
}

interface HandleOptions {
  inboundMessageId?: string;
  languageHint?: Lang;
  /** The user typed something: the next menu is a new message below it, not an edit above it. */
  freshMenu: boolean;
  source?: string;
  /** The platform update being handled: recorded with its effects, so a redelivery is ignored. */
  updateId?: string;
  /** The outbox entry whose event this is: marked done with its effects. */
  completes?: OutboxEntry;
  /** The user wrote: a chat marked unreachable (it had blocked the bot) is reachable again. */
  reactivates?: boolean;
}

/** What one handling produced, committed in one transaction. */
interface Outcome {
  state: ConversationState;
  entries: NewOutboxEntry[];
  acks: DispatchOutcome['acks'];
}

const MAX_CAS_RETRIES = 5;
const MAX_INLINE_ROUNDS = 4;

/** Thrown inside the commit to roll it back: this update or entry was handled elsewhere meanwhile. */
class AlreadyHandled extends Error {}

export function createDispatcher(deps: DispatcherDeps): RuntimeDispatcher {
  const { db, clock, logger } = deps;
  const withLock = createKeyedMutex();

  function parseState(json: string | undefined, version: number | undefined, lang: Lang): ConversationState {
    if (!json || version !== STATE_VERSION) return initialState(lang);
    return JSON.parse(json) as ConversationState;
  }

  function toOutbox(channel: ChannelName, chatId: string, effect: Exclude<Effect, { type: 'ack' } | { type: 'command' }>, at: number, options: HandleOptions): NewOutboxEntry | null {
    const lane = chatLane(channel, chatId);
    switch (effect.type) {
      case 'show': {
        const payload: OutboxPayloads['deliver'] = { channel, chatId, view: effect.view, freshMenu: options.freshMenu };
        return { lane, kind: 'deliver', payload, runAfter: at };
      }
      case 'deleteInbound': {
        if (!options.inboundMessageId) return null;
        const payload: OutboxPayloads['delete'] = { channel, chatId, messageId: options.inboundMessageId };
        return { lane, kind: 'delete', payload, runAfter: at };
      }
      case 'clearHistory': {
        const payload: OutboxPayloads['clear'] = { channel, chatId };
        return { lane, kind: 'clear', payload, runAfter: at };
      }
      case 'timer': {
        const payload: OutboxPayloads['event'] = { channel, chatId, event: effect.event };
        // The idle timer waits half an hour: on a lane of its own, so it holds up no other event.
        const timerLane = effect.event.kind === 'timer.idle' ? `idle:${lane}` : `timer:${lane}`;
        return { lane: timerLane, kind: 'event', payload, runAfter: at + effect.delayMs };
      }
    }
  }

  /**
   * Runs the event and every answer of the secret commands it leads to (a password check) in memory,
   * from one read of the conversation. Nothing is written until the end: an update either leaves all
   * its effects or none, and a crash mid-way (say, during a password hash) lets the platform's
   * redelivery run it again. `answers` keeps command answers across CAS retries, so a retry does not
   * check a password twice.
   */
  async function run(
    channel: ChannelName,
    chatId: string,
    first: EventWithoutTime,
    stored: ConversationState,
    options: HandleOptions,
    answers: Map<string, EventWithoutTime | null>,
  ): Promise<Outcome> {
    let state = stored;
    const entries: NewOutboxEntry[] = [];
    const acks: DispatchOutcome['acks'] = [];
    let events: EventWithoutTime[] = [first];
    let opts = options;
    for (let round = 0; events.length > 0 && round < MAX_INLINE_ROUNDS; round++) {
      const next: EventWithoutTime[] = [];
      for (const event of events) {
        const at = clock();
        // A successful login answer is drawn as the student's home, so it needs their facts already.
        const factsFor = state.session?.studentId ?? (event.kind === 'login.result' && event.result.ok ? event.result.studentId : null);
        const facts = factsFor ? await deps.ledger.loadFacts(factsFor, at) : await deps.ledger.loadPublicFacts(at);
        const result = transition(state, { ...event, at } as EngineEvent, { facts, config: deps.engineConfig });
        state = result.state;
        const inline: Command[] = [];
        for (const effect of result.effects) {
          if (effect.type === 'ack') acks.push({ text: effect.text, alert: effect.alert });
          else if (effect.type === 'command') {
            if (SECRET_COMMANDS.has(effect.command.kind)) inline.push(effect.command);
            else {
              const payload: OutboxPayloads['command'] = { channel, chatId, command: effect.command, lang: state.lang };
              entries.push({ lane: `cmd:${chatLane(channel, chatId)}`, kind: 'command', payload, runAfter: at });
            }
          } else {
            const entry = toOutbox(channel, chatId, effect, at, opts);
            if (entry) entries.push(entry);
          }
        }
        // Secret-carrying commands run here, in memory, and their answer is the next event.
        for (const command of inline) {
          const key = JSON.stringify(command);
          if (!answers.has(key)) answers.set(key, await deps.runCommand(command, { channel, chatId, now: clock(), lang: state.lang, source: opts.source }));
          const answer = answers.get(key);
          if (answer) next.push(answer);
        }
      }
      events = next;
      opts = { ...opts, inboundMessageId: undefined };
    }
    // A typed answer that drew nothing yet (its answer comes later, from a command): the menu above
    // it must not be edited, or the reply would appear above what the student typed.
    if (options.freshMenu && !entries.some((e) => e.kind === 'deliver')) {
      const payload: OutboxPayloads['detach'] = { channel, chatId };
      entries.unshift({ lane: chatLane(channel, chatId), kind: 'detach', payload, runAfter: clock() });
    }
    return { state, entries, acks };
  }

  /** Returns the acks, or null when the update or entry turned out to be handled already. */
  async function handle(channel: ChannelName, chatId: string, event: EventWithoutTime, options: HandleOptions): Promise<DispatchOutcome['acks'] | null> {
    return withLock(`${channel}:${chatId}`, async () => {
      const answers = new Map<string, EventWithoutTime | null>();
      for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
        let stored: Awaited<ReturnType<typeof findConversation>>;
        if (attempt === 0 && (options.updateId !== undefined || options.reactivates)) {
          // Checked under the chat's lock, in the same read as the conversation: a concurrent
          // redelivery waits for the first and then stops here, before running anything.
          const read = await findConversationUnlessHandled(db, channel, chatId, options.updateId);
          if (read.handled) return null;
          // Writing to the bot again (e.g. after unblocking it) makes an inactive chat reachable again.
          if (options.reactivates && read.chatInactive) await updateChannelChat(db, channel, chatId, { active: true }, clock());
          stored = read.conversation;
        } else stored = await findConversation(db, channel, chatId);
        const state = parseState(stored?.stateJson, stored?.stateVersion, options.languageHint ?? deps.defaultLanguage);
        const outcome = await run(channel, chatId, event, state, options, answers);
        const at = clock();
        let saved: boolean;
        let claimed: OutboxEntry[] = [];
        try {
          saved = await inTransaction(db, async (tx) => {
            if (options.updateId !== undefined && !(await recordInboundUpdate(tx, channel, options.updateId, at))) throw new AlreadyHandled();
            if (options.completes && !(await completeClaimedOutbox(tx, options.completes))) throw new AlreadyHandled();
            const ok = await saveConversation(tx, {
              channel,
              chatId,
              stateVersion: STATE_VERSION,
              stateJson: JSON.stringify(outcome.state),
              studentId: outcome.state.session?.studentId ?? null,
              expectedRevision: stored?.revision ?? 0,
              now: at,
            });
            if (!ok) throw new ConcurrentChange();
            if (deps.handOff) claimed = await enqueueOutboxClaimingHeads(tx, outcome.entries, at, at + deps.handOff.leaseMs);
            else await enqueueOutbox(tx, outcome.entries, at);
            return true;
          });
        } catch (error) {
          if (error instanceof AlreadyHandled) return null;
          if (!(error instanceof ConcurrentChange)) throw error;
          saved = false;
        }
        if (saved) {
          if (claimed.length > 0) deps.handOff!.run(claimed);
          if (outcome.entries.length > claimed.length) deps.onEnqueued();
          return outcome.acks;
        }
        logger.debug({ channel, attempt }, 'conversation changed concurrently; retrying');
      }
      throw new Error('Conversation kept changing; gave up after retries');
    });
  }

  return {
    async dispatch(update: InboundUpdate): Promise<DispatchOutcome> {
      const duplicate = (): DispatchOutcome => {
        logger.info({ channel: update.channel, updateId: update.updateId }, 'duplicate update ignored');
        return { duplicate: true, acks: [] };
      };
      const acks = await handle(update.channel, update.chatId, update.event, {
        inboundMessageId: update.inboundMessageId,
        languageHint: update.languageHint,
        source: update.source,
        freshMenu: update.event.kind !== 'action',
        updateId: update.updateId,
        reactivates: true,
      });
      return acks === null ? duplicate() : { duplicate: false, acks };
    },
    async deliverEvent(channel, chatId, event, completes) {
      await handle(channel, chatId, event, { freshMenu: false, completes });
    },
    async deliverMessage(channel, chatId, text) {
      const at = clock();
      const entry = toOutbox(channel, chatId, { type: 'show', view: { placement: 'message', text, buttons: [] } }, at, { freshMenu: false });
      if (!entry) return;
      await inTransaction(db, (tx) => enqueueOutbox(tx, [entry], at));
      deps.onEnqueued();
    },
  };
}

/** Thrown inside the commit to roll it back: another writer saved the conversation first. */
class ConcurrentChange extends Error {}
