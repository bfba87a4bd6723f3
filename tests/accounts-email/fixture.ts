import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createAudit } from '../../src/accounts/audit.service.js';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import { createPasswordResets, type PasswordResetDeps } from '../../src/accounts/password-reset.service.js';
import type { Db } from '../../src/db/database.js';
import { findStudentById } from '../../src/db/repositories/student.repository.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createMailer, type FeebotMailer } from '../../src/mail/mailer.js';
import type { Mailer } from '../../src/mail/mailer.port.js';
import { freshDb, seedStudent, T0 } from '../accounts/accounts-fixture.js';

// The same database, clock origin and student rows as the accounts tests.
export { freshDb, MIN, T0 } from '../accounts/accounts-fixture.js';

export const PUBLIC_BASE_URL = 'https://fees.example.edu';
export const OLD_PASSWORD = 'Old#Pass2024';

/** A clock the test moves by hand. */
export function manualClock(start = T0): { now: () => number; advance(ms: number): void; set(at: number): void } {
  let at = start;
  return { now: () => at, advance: (ms) => (at += ms), set: (value) => (at = value) };
}

/** A pino logger whose JSON lines land in `lines`. */
export function capturedLogger(): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (msg: string) => void lines.push(msg) });
  return { logger, lines, text: () => lines.join('') };
}

export const hasher = createPasswordHasher({ cost: 12 });

export async function addStudent(db: Db, studentId: string, email: string | null, password = OLD_PASSWORD): Promise<void> {
  await seedStudent(db, studentId, await hasher.hash(password), { email });
}

/** A fresh database holding these students, each `[studentId, recovery e-mail]`, with OLD_PASSWORD. */
export async function dbWithStudents(...students: Array<[studentId: string, email: string | null]>): Promise<Db> {
  const db = await freshDb();
  for (const [studentId, email] of students) await addStudent(db, studentId, email);
  return db;
}

/** Whether the student's stored hash matches `password`. */
export async function passwordMatches(db: Db, studentId: string, password: string): Promise<boolean> {
  return hasher.verify(password, (await findStudentById(db, studentId))?.password_hash ?? '');
}

export interface Received {
  mail: ParsedMail;
  to: string[];
}

export interface SmtpServerFixture {
  port: number;
  received: Received[];
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (random port) that parses what it receives. */
export async function startSmtpServer(): Promise<SmtpServerFixture> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          received.push({ mail, to });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} mails, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SmtpSuite {
  /** What the server received since the current test began. */
  readonly received: Received[];
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  /** A mailer sending to the server. */
  readonly mailer: FeebotMailer;
}

/**
 * Registers hooks in the enclosing describe: one SMTP server and a mailer on it for the whole
 * block (closed afterwards), with the inbox emptied before each test.
 */
export function smtpSuite(): SmtpSuite {
  let server: SmtpServerFixture | undefined;
  let mailer: FeebotMailer | undefined;
  beforeAll(async () => {
    server = await startSmtpServer();
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${server.port}`, from: 'feebot <no-reply@fees.example.edu>', logger: capturedLogger().logger });
  });
  afterAll(async () => {
    mailer?.close();
    await server?.close();
  });
  beforeEach(() => {
    started().server.received.length = 0;
  });
  const started = () => {
    if (!server || !mailer) throw new Error('smtpSuite() is used outside the tests of its describe');
    return { server, mailer };
  };
  return {
    get received() {
      return started().server.received;
    },
    waitFor: (count, timeoutMs) => started().server.waitFor(count, timeoutMs),
    get mailer() {
      return started().mailer;
    },
  };
}

export function resetsHarness(db: Db, mailer: Mailer, overrides: Partial<PasswordResetDeps> = {}) {
  const clock = manualClock();
  const log = capturedLogger();
  const audit = createAudit({ db, clock: clock.now });
  const changed: string[] = [];
  const resets = createPasswordResets({
    db,
    hasher,
    mailer,
    publicBaseUrl: PUBLIC_BASE_URL,
    initialPasswordPolicy: '123456',
    clock: clock.now,
    logger: log.logger,
    audit,
    onPasswordChanged: async (studentId) => {
      changed.push(studentId);
    },
    ...overrides,
  });
  return { resets, clock, log, audit, changed };
}

export const LINK_PATTERN = /https:\/\/fees\.example\.edu\/reset-password\?token=([A-Za-z0-9_-]+)/;

export function tokenFrom(text: string): string {
  const match = LINK_PATTERN.exec(text);
  if (!match?.[1]) throw new Error(`no reset link in:\n${text}`);
  return match[1];
}
