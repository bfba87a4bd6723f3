import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createAudit } from '../../src/accounts/audit.service.js';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import { createPasswordResets, type PasswordResetDeps } from '../../src/accounts/password-reset.service.js';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { updatePassword, upsertStudent } from '../../src/db/repositories/student.repository.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Mailer } from '../../src/mail/mailer.port.js';

export const MIN = 60_000;
export const T0 = Date.UTC(2025, 8, 1, 8, 0, 0);
export const PUBLIC_BASE_URL = 'https://fees.example.edu';
export const OLD_PASSWORD = 'Old#Pass2024';

export async function freshDb(): Promise<Db> {
  const db = openDatabase(':memory:');
  await migrateToLatest(db);
  return db;
}

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
  const hash = await hasher.hash(password);
  const profile = {
    student_id: studentId,
    name: `学生${studentId.slice(-2)}`,
    college: '计算机科学与技术学院',
    major: '软件工程',
    class_name: '软件2301班',
    recovery_email: email,
    phone: null,
    id_number: null,
  };
  await upsertStudent(db, profile, hash, T0);
  await updatePassword(db, studentId, hash, T0);
}

export interface Received {
  mail: ParsedMail;
  to: string[];
}

/** A real SMTP server on 127.0.0.1 (random port) that parses what it receives. */
export async function startSmtpServer(): Promise<{ port: number; received: Received[]; waitFor(count: number, timeoutMs?: number): Promise<Received[]>; close(): Promise<void> }> {
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
