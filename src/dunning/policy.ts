import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { validate as validCron } from 'node-cron';
import { z } from 'zod';

// The reminder policy: a built-in default, overridable by DUNNING_POLICY_FILE (JSON or YAML — JSON is
// YAML, so one parser reads both and can point at the line of every mistake).

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const channel = z.enum(['telegram', 'web', 'wechat', 'email']);

export const policySchema = z
  .object({
    schedule: z
      .object({
        /** node-cron expression (5 or 6 fields). */
        cron: z.string().refine((v) => validCron(v), 'not a valid cron expression').default('0 10 * * 1-5'),
        timezone: z.string().refine(validTimezone, 'unknown time zone').default('Asia/Shanghai'),
      })
      .strict()
      .default({ cron: '0 10 * * 1-5', timezone: 'Asia/Shanghai' }),
    items: z
      .object({
        /** 收费期间 to remind about; empty = all. */
        feePeriods: z.array(z.string().min(1)).default([]),
        /** Items owing less than this (fen) are not reminded about. */
        minOutstanding: z.number().int().min(1).default(1),
      })
      .strict()
      .default({ feePeriods: [], minOutstanding: 1 }),
    cadence: z
      .object({
        /** Days before the due date to remind, e.g. [7]. */
        daysBefore: z.array(z.number().int().min(1).max(365)).default([7]),
        onDueDate: z.boolean().default(true),
        /** After the due date, every N days (0 = never). */
        everyDaysAfter: z.number().int().min(0).max(365).default(7),
        /** At most this many reminders per item. */
        maxPerItem: z.number().int().min(1).max(50).default(6),
      })
      .strict()
      .default({ daysBefore: [7], onDueDate: true, everyDaysAfter: 7, maxPerItem: 6 }),
    quietHours: z
      .object({ start: z.string().regex(HHMM, 'expected HH:MM'), end: z.string().regex(HHMM, 'expected HH:MM') })
      .strict()
      .default({ start: '21:00', end: '08:00' }),
    caps: z
      .object({
        perStudentPerDay: z.number().int().min(1).max(10).default(1),
        perStudentPerWeek: z.number().int().min(1).max(20).default(2),
      })
      .strict()
      .default({ perStudentPerDay: 1, perStudentPerWeek: 2 }),
    /** Channels used, in this order; e-mail only reaches students with no chat on the others. */
    channels: z.array(channel).min(1).default(['telegram', 'web', 'wechat', 'email']),
    escalation: z
      .object({
        /** After this many reminders without payment, the student goes to staff (0 = never). */
        afterReminders: z.number().int().min(0).max(50).default(4),
        /** The last reminder before escalation is also sent to students who opted out (it says so). */
        finalNoticeToOptedOut: z.boolean().default(false),
        /** 学院 → contact e-mail, told about its escalated students. */
        collegeContacts: z.record(z.string(), z.string().email()).default({}),
      })
      .strict()
      .default({ afterReminders: 4, finalNoticeToOptedOut: false, collegeContacts: {} }),
    /**
     * Reminder sends per second across all chats. The default is 80 % of Telegram's 30/s (the bulk
     * class); more only makes sense without Telegram (web chat, e-mail).
     */
    sendRatePerSec: z.number().positive().max(1000).default(24),
  })
  .strict();

export type DunningPolicy = z.infer<typeof policySchema>;
export type DunningChannel = z.infer<typeof channel>;

export const DEFAULT_POLICY: DunningPolicy = policySchema.parse({});

export class PolicyError extends Error {
  constructor(
    message: string,
    readonly issues: { line: number; column: number; path: string; message: string }[],
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Parses policy text (JSON or YAML). Throws PolicyError naming `file:line:column` of each mistake. */
export function parsePolicy(text: string, file = 'policy'): DunningPolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0] ?? e.message };
    });
    throw new PolicyError(issues.map((i) => `${file}:${i.line}:${i.column}: ${i.message}`).join('\n'), issues);
  }
  const parsed = policySchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    // The deepest node that exists on the issue's path: a missing key points at its parent.
    let offset = 0;
    for (let depth = issue.path.length; depth >= 0; depth -= 1) {
      const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
      if (isNode(node) && node.range) {
        offset = node.range[0];
        break;
      }
    }
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col, path: issue.path.join('.'), message: issue.message };
  });
  throw new PolicyError(issues.map((i) => `${file}:${i.line}:${i.column}: ${i.path || '(root)'}: ${i.message}`).join('\n'), issues);
}

/** The policy in force: DUNNING_POLICY_FILE when set, else the default. */
export function loadPolicy(env: Record<string, string | undefined> = process.env): DunningPolicy {
  const file = env.DUNNING_POLICY_FILE;
  if (!file) return DEFAULT_POLICY;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyError(`DUNNING_POLICY_FILE ${file}: ${error instanceof Error ? error.message : String(error)}`, []);
  }
  return parsePolicy(text, file);
}
