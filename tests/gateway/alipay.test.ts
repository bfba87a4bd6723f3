import { afterEach, describe, expect, it } from 'vitest';
import { fenToYuan, yuanToFen } from '../../adapters/alipay/alipay-amount.js';
import { loadAlipayConfig } from '../../adapters/alipay/alipay-config.js';
import { GatewayError, SignatureError, ValidationError } from '../../src/errors.js';
import type { GatewayOrderInput } from '../../src/ports/gateway.port.js';
import { setupAlipay, type AlipaySetup } from './fakes/alipay-harness.js';

// The Alipay adapter (alipay-sdk 4) against the fake gateway.do: request and response signatures,
// notifications checked with checkNotifySignV2 and against app_id/seller_id, errors, settings.

const clock = { now: Date.UTC(2026, 8, 1, 2, 0, 0) };
let s: AlipaySetup | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});
const input = (over: Partial<GatewayOrderInput> = {}): GatewayOrderInput => ({
  orderId: 'FB20260901100000ABCDEF', amount: 150_050, subject: '2025-2026 学费', studentId: '2023010101', payerName: '张三', expiresAt: clock.now + 30 * 60_000, ...over,
});

describe('fen ↔ yuan', () => {
  it('converts exactly both ways and refuses anything else', () => {
    expect(fenToYuan(150_050)).toBe('1500.50');
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(10)).toBe('0.10');
    expect(yuanToFen('1500.5')).toBe(150_050);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('19.99')).toBe(1999); // 19.99 * 100 is 1998.9999… in floating point
    for (const bad of ['1.234', '-1.00', '1e3', '', ' ', '01.00', '1,000.00']) expect(yuanToFen(bad)).toBeNull();
    for (let fen = 0; fen < 100_000; fen += 37) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
  });
});

describe('Alipay adapter', () => {
  it('precreates (signed request, verified answer), reads the paid notification and the query', async () => {
    s = await setupAlipay({ clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    const order = await s.gateway.createOrder(input());
    expect(order.qrPayload).toMatch(/^https:\/\/qr\.alipay\.com\//);
    expect(await s.gateway.createOrder(input())).toEqual(order);
    const t = s.fake.trades.get('FB20260901100000ABCDEF')!;
    expect(t).toMatchObject({ totalFen: 150_050, notifyUrl: 'https://fees.example.edu/webhooks/gateway/alipay' });
    expect(await s.gateway.queryOrder('FB20260901100000ABCDEF')).toEqual({ status: 'pending' });
    const { rawBody } = s.fake.pay('FB20260901100000ABCDEF');
    expect(s.gateway.verifyNotification(rawBody, {}, clock.now)).toEqual({
      kind: 'payment', payment: { transactionId: t.tradeNo, orderId: 'FB20260901100000ABCDEF', amount: 150_050, status: 'paid', paidAt: clock.now - (clock.now % 1000), gateway: 'alipay' },
    });
    expect(await s.gateway.queryOrder('FB20260901100000ABCDEF')).toMatchObject({ status: 'paid', amount: 150_050, transactionId: t.tradeNo });
  });

  it('refuses tampered or foreign notifications; answers success / fail as Alipay expects', async () => {
    s = await setupAlipay({ clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    await s.gateway.createOrder(input());
    const { rawBody } = s.fake.pay('FB20260901100000ABCDEF');
    expect(() => s!.gateway.verifyNotification(rawBody.replace('total_amount=1500.50', 'total_amount=1.00'), {}, clock.now)).toThrow(SignatureError);
    expect(() => s!.gateway.verifyNotification(s!.fake.notificationFor('FB20260901100000ABCDEF', { seller_id: '2088000000000001' }), {}, clock.now)).toThrow(ValidationError);
    expect(() => s!.gateway.verifyNotification(s!.fake.notificationFor('FB20260901100000ABCDEF', { app_id: '2021000000000001' }), {}, clock.now)).toThrow(/app_id/);
    expect(s.gateway.answerNotification({ ok: true, outcome: 'applied' })).toEqual({ status: 200, contentType: 'text/plain', body: 'success' });
    expect(s.gateway.answerNotification({ ok: false, status: 401, code: 'BAD_SIGNATURE', message: 'x' }).body).toBe('fail');
  });

  it('system errors are retryable, business errors are not; unknown trades are unknown', async () => {
    s = await setupAlipay({ clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    s.fake.failNext({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' });
    expect(((await s.gateway.createOrder(input()).catch((e: unknown) => e)) as GatewayError).retryable).toBe(true);
    await s.gateway.createOrder(input());
    const e = (await s.gateway.createOrder(input({ amount: 1 })).catch((x: unknown) => x)) as GatewayError;
    expect(e).toBeInstanceOf(GatewayError);
    expect(e.retryable).toBe(false);
    expect(await s.gateway.queryOrder('NOSUCHORDER123')).toEqual({ status: 'unknown' });
  });

  it('builds a signed phone-site (wap) pay URL for the same order', async () => {
    s = await setupAlipay({ clock: () => clock.now, publicBaseUrl: 'https://fees.example.edu' });
    const url = new URL(s.gateway.wapPayUrl(input()));
    expect(url.searchParams.get('method')).toBe('alipay.trade.wap.pay');
    expect(JSON.parse(url.searchParams.get('biz_content')!)).toMatchObject({ out_trade_no: 'FB20260901100000ABCDEF', total_amount: '1500.50', product_code: 'QUICK_WAP_WAY' });
    expect(url.searchParams.get('sign')).toBeTruthy();
  });

  it('validates settings with clear messages', async () => {
    s = await setupAlipay({ clock: () => clock.now, publicBaseUrl: 'https://x' });
    expect(() => loadAlipayConfig({ ...s!.env, ALIPAY_SELLER_ID: '123' }, 'https://x')).toThrow(/ALIPAY_SELLER_ID/);
    expect(() => loadAlipayConfig({ ...s!.env, ALIPAY_PRIVATE_KEY_FILE: s!.keys.write('bad.txt', 'not a key') }, 'https://x')).toThrow(/ALIPAY_PRIVATE_KEY_FILE: the file does not hold/);
    expect(() => loadAlipayConfig({ ...s!.env, ALIPAY_PUBLIC_KEY_FILE: '/nonexistent' }, 'https://x')).toThrow(/ALIPAY_PUBLIC_KEY_FILE: cannot read/);
  });
});
