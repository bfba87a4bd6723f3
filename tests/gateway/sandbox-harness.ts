import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { expect } from 'vitest';
import { createSandboxGateway, type SandboxGateway, type SandboxGatewayOptions } from '../../adapters/sandbox-gateway/index.js';
import type { Db } from '../../src/db/database.js';
import { openTestDb } from '../support/test-store.js';
import type { GatewayOrderInput } from '../../src/ports/gateway.port.js';

// Shared set-up for the gateway tests: a migrated in-memory DB, a controllable clock, a Hono app with
// the sandbox mounted, form helpers, and a real HTTP server that records notification deliveries.

export const SECRET = 'test-sandbox-secret-0123456789abcdef';

export interface Harness {
  db: Db;
  app: Hono;
  sandbox: SandboxGateway;
  clock: { now: number };
  close(): Promise<void>;
}

export async function createHarness(options: Partial<SandboxGatewayOptions> & { notifyUrl: string }): Promise<Harness> {
  const db = await openTestDb();
  const clock = { now: Date.now() };
  const sandbox = createSandboxGateway({
    db, secret: SECRET, publicBaseUrl: 'http://feebot.test/', clock: () => clock.now, ...options,
  });
  const app = new Hono();
  sandbox.mount(app);
  return {
    db, app, sandbox, clock,
    async close() {
      sandbox.stop();
      await db.destroy();
    },
  };
}

export function orderInput(overrides: Partial<GatewayOrderInput> = {}): GatewayOrderInput {
  return {
    orderId: 'ORD-0001',
    amount: 150050,
    subject: '2025-2026 学费 等 2 项',
    studentId: '2023010101',
    payerName: '张三',
    expiresAt: Date.now() + 30 * 60_000,
    ...overrides,
  };
}

export function postForm(app: Hono, path: string, fields: Record<string, string>): Promise<Response> {
  return Promise.resolve(app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }));
}

export function extractSmsCode(html: string): string {
  const match = /<span id="sandbox-sms-code"[^>]*>(\d{6})<\/span>/.exec(html);
  if (!match?.[1]) throw new Error('no sandbox sms code on the page');
  return match[1];
}

/** Phone → code → method + agreement: leaves the order on the bank page. */
export async function walkToBank(app: Hono, orderId: string, method = 'bank'): Promise<void> {
  const base = `/sandbox-gateway/pay/${encodeURIComponent(orderId)}`;
  const codePage = await postForm(app, `${base}/phone`, { phone: '13800138000' });
  expect(codePage.status).toBe(200);
  const code = extractSmsCode(await codePage.text());
  expect((await postForm(app, `${base}/code`, { code })).status).toBe(200);
  const bank = await postForm(app, `${base}/method`, { method, agree: 'on' });
  expect(bank.status).toBe(200);
  expect(await bank.text()).toContain('id="bank-pay"');
}

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface NotifyServer {
  url: string;
  deliveries: Delivery[];
  /** Resolves once `count` deliveries arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** A real HTTP endpoint on 127.0.0.1:0 answering the given statuses in turn, then 200. */
export async function startNotifyServer(statuses: number[] = []): Promise<NotifyServer> {
  const deliveries: Delivery[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
      res.statusCode = statuses[deliveries.length - 1] ?? 200;
      res.end('ok');
      for (const w of waiters.filter((w) => deliveries.length >= w.count)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/sandbox`,
    deliveries,
    waitFor(count, timeoutMs = 5000) {
      if (deliveries.length >= count) return Promise.resolve(deliveries);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${deliveries.length} of ${count} deliveries`)), timeoutMs);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(deliveries); } });
      });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Node's lower-cased header map as the plain record verifyNotification takes. */
export function headerRecord(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
}
