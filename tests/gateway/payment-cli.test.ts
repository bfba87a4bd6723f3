import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxGateway } from '../../adapters/sandbox-gateway/index.js';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { upsertFeeItem } from '../../src/db/repositories/fee-item.repository.js';
import { saveSandboxMethod, saveSandboxPhone, settleSandboxOrder, verifySandboxCode } from '../../src/db/repositories/sandbox-order.repository.js';
import { upsertStudent } from '../../src/db/repositories/student.repository.js';
import { createLedger } from '../../src/ledger/index.js';

// `feebot refund` and `feebot reconcile` as an operator runs them: a real process on a real SQLite
// file, the sandbox as the gateway (its refund book and its answers are real), and the startup
// checks of GATEWAYS.

const dir = mkdtempSync(join(tmpdir(), 'feebot-pay-cli-'));
const file = join(dir, 'feebot.db');
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: file, LOG_LEVEL: 'silent', PORT: '0', DEV_MAILBOX: 'true' };
delete env.SMTP_URL;
delete env.GATEWAYS;
const T0 = Date.UTC(2026, 8, 1, 2, 0, 0); // 2026-09-01 10:00 Beijing
let heldCreditId = 0;
let lostOrder = '';

function feebot(extra: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/feebot.js', ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  const db = openDatabase(file);
  await migrateToLatest(db);
  await upsertStudent(db, { student_id: 'S1', name: '李雷', college: '', major: '', class_name: '', recovery_email: null, phone: null, id_number: null }, 'h', T0);
  await upsertFeeItem(db, { student_id: 'S1', fee_period: '2025-2026', code: 'DORM', name: '住宿费', amount_due: 120_000, installment_allowed: 0, min_installment: 0, due_date: null }, T0);
  await upsertFeeItem(db, { student_id: 'S1', fee_period: '2025-2026', code: 'BOOKS', name: '教材费', amount_due: 30_000, installment_allowed: 0, min_installment: 0, due_date: null }, T0);
  const items = Object.fromEntries((await db.selectFrom('fee_items').select(['id', 'code']).execute()).map((r) => [r.code, r.id]));
  const sandbox = createSandboxGateway({ db, secret: 'sandbox-secret-change-me-0123456789', publicBaseUrl: 'http://x.test', notifyUrl: 'http://x.test/n', clock: () => T0 });
  const ledger = createLedger({ db, orderExpiryMs: 30 * 60_000, gateway: 'sandbox' });
  const payAtSandbox = async (orderId: string, amount: number, txn: string) => {
    await sandbox.gateway.createOrder({ orderId, amount, subject: 's', studentId: 'S1', payerName: '李雷', expiresAt: Date.now() + 3600_000 });
    await saveSandboxPhone(db, orderId, '13800000000', '111111');
    await verifySandboxCode(db, orderId, '111111');
    await saveSandboxMethod(db, orderId, 'wechat');
    await settleSandboxOrder(db, orderId, { status: 'paid', transactionId: txn, at: T0 + 1000 });
  };
  // A wrong amount (the gateway took 99 999 for a 120 000 order): held.
  const wrong = await ledger.createOrder({ studentId: 'S1', lines: [{ itemId: items.DORM!, amount: 120_000 }], channel: 'web', chatId: 'c', now: T0 });
  if (!wrong.ok) throw new Error('order');
  await payAtSandbox(wrong.order.id, 99_999, 'SBX-WRONG');
  await ledger.applyPayment('sandbox', { transactionId: 'SBX-WRONG', orderId: wrong.order.id, amount: 99_999, status: 'paid', paidAt: T0 + 1000 }, T0 + 2000);
  await ledger.markOrder(wrong.order.id, 'closed', T0 + 3000);
  heldCreditId = (await ledger.heldCredits.listHeldCredits())[0]!.id;
  // Paid at the sandbox, notification lost.
  const lost = await ledger.createOrder({ studentId: 'S1', lines: [{ itemId: items.BOOKS!, amount: 30_000 }], channel: 'web', chatId: 'c', now: T0 + 60_000 });
  if (!lost.ok) throw new Error('order');
  lostOrder = lost.order.id;
  await payAtSandbox(lostOrder, 30_000, 'SBX-LOST');
  sandbox.stop();
  await db.destroy();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feebot refund / reconcile', () => {
  it('refunds a held credit through the sandbox once, however often it is run', () => {
    const first = feebot({}, 'refund', String(heldCreditId), '--note', '金额不符，原路退回', '--actor', 'finance:wang');
    expect(first.out).toContain(`Refund FBR${heldCreditId}-1: succeeded`);
    expect(first.code).toBe(0);
    const again = feebot({}, 'refund', String(heldCreditId), '--note', 'again');
    expect(again.out).toContain(`Refund FBR${heldCreditId}-1: succeeded`);
  }, 180_000);

  it('reconciles a day: the lost payment is credited and reported (exit 1); a second run finds nothing new', () => {
    const r = feebot({}, 'reconcile', '--date', '2026-09-01');
    expect(r.out).toContain('Reconciliation 2026-09-01: 2 order(s) checked');
    expect(r.out).toContain(`paid at sandbox but not in the ledger: ${lostOrder} SBX-LOST 30000 fen → credited now (applied)`);
    expect(r.code).toBe(1);
    const again = feebot({}, 'reconcile', '--date', '2026-09-01');
    expect(again.out).toContain('0 difference(s)');
    expect(again.code).toBe(0);
  }, 180_000);

  it('refuses bad arguments and bad gateway settings with a clear message', () => {
    expect(feebot({}, 'refund', 'x', '--note', 'n').code).toBe(2);
    expect(feebot({}, 'reconcile', '--date', '1.9.2026').code).toBe(2);
    const unknown = feebot({ GATEWAYS: 'paypal' }, 'reconcile', '--date', '2026-09-01');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/GATEWAYS: must be sandbox or a list of wechatpay, alipay/);
    const noSecret = feebot({ GATEWAYS: 'wechatpay' }, 'reconcile', '--date', '2026-09-01');
    expect(noSecret.err).toMatch(/CHECKOUT_SECRET/);
    const noKeys = feebot({ GATEWAYS: 'wechatpay', CHECKOUT_SECRET: 'a-long-enough-checkout-secret' }, 'reconcile', '--date', '2026-09-01');
    expect(noKeys.err).toMatch(/Invalid WeChat Pay configuration: WECHATPAY_MCHID/);
  }, 300_000);
});
