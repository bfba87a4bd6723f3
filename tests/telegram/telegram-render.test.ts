import { describe, expect, it } from 'vitest';
import { isButtonUrl, MAX_CAPTION, renderView, splitText } from '../../adapters/telegram/telegram-render.js';
import type { View } from '../../src/engine/views.js';

const menu = (over: Partial<View> = {}): View => ({ placement: 'menu', text: '欠费总额 ¥1,500.00', buttons: [], ...over });

describe('telegram render', () => {
  it('turns code buttons into callback_data rows, keeping disabled labels and codes', () => {
    const rendered = renderView(
      menu({
        buttons: [
          [{ label: '网上缴费', code: 'v1:pay:-:3' }, { label: '缴费历史', code: 'v1:history:-:3' }],
          [{ label: '同意 (7)', code: 'v1:agree:-:3', disabled: true }],
        ],
      }),
    );
    expect(rendered).toMatchInlineSnapshot(`
      {
        "reply_markup": {
          "inline_keyboard": [
            [
              {
                "callback_data": "v1:pay:-:3",
                "text": "网上缴费",
              },
              {
                "callback_data": "v1:history:-:3",
                "text": "缴费历史",
              },
            ],
            [
              {
                "callback_data": "v1:agree:-:3",
                "text": "同意 (7)",
              },
            ],
          ],
        },
        "text": "欠费总额 ¥1,500.00",
      }
    `);
    for (const row of rendered.reply_markup!.inline_keyboard) {
      for (const button of row) {
        if ('callback_data' in button) expect(Buffer.byteLength(button.callback_data, 'utf8')).toBeLessThanOrEqual(64);
      }
    }
  });

  it('refuses callback_data over 64 bytes (counted in bytes, not characters)', () => {
    const code = `v1:item:${'项'.repeat(19)}:1`; // 29 characters, 67 bytes
    expect(code.length).toBeLessThan(64);
    expect(() => renderView(menu({ buttons: [[{ label: 'x', code }]] }))).toThrow(/1-64 bytes/);
    expect(() => renderView(menu({ buttons: [[{ label: 'x', code: '' }]] }))).toThrow(/1-64 bytes/);
  });

  it('renders public url buttons as url buttons and moves local links into the text', () => {
    const rendered = renderView(
      menu({
        text: '请支付',
        buttons: [
          [{ label: '去支付', url: 'https://pay.example.edu/pay/ord_1' }],
          [{ label: '本机支付页', url: 'http://127.0.0.1:3000/pay/ord_1' }, { label: '刷新', code: 'v1:refresh:-:2' }],
        ],
      }),
    );
    expect(rendered.reply_markup?.inline_keyboard).toEqual([
      [{ text: '去支付', url: 'https://pay.example.edu/pay/ord_1' }],
      [{ text: '刷新', callback_data: 'v1:refresh:-:2' }],
    ]);
    expect(rendered.text).toBe('请支付\n\n本机支付页: http://127.0.0.1:3000/pay/ord_1');
  });

  it('knows which URLs Telegram accepts on buttons', () => {
    expect(isButtonUrl('https://fees.example.edu/x')).toBe(true);
    expect(isButtonUrl('tg://resolve?domain=feebot')).toBe(true);
    expect(isButtonUrl('http://localhost:3000/x')).toBe(false);
    expect(isButtonUrl('http://192.168.1.5/x')).toBe(false);
    expect(isButtonUrl('javascript:alert(1)')).toBe(false);
    expect(isButtonUrl('not a url')).toBe(false);
  });

  it('puts a QR image in a photo with the text as caption and url buttons as markup', () => {
    const rendered = renderView({
      placement: 'menu',
      text: '请扫码支付 ¥800.00',
      buttons: [[{ label: '打开支付页', url: 'https://pay.example.edu/p/1' }]],
      image: { kind: 'qr', payload: 'https://pay.example.edu/p/1' },
    });
    expect(rendered.photo).toEqual({ image: { kind: 'qr', payload: 'https://pay.example.edu/p/1' }, caption: '请扫码支付 ¥800.00' });
    expect(rendered.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: '打开支付页', url: 'https://pay.example.edu/p/1' });
  });

  it('leaves the caption off when the text is longer than 1024 characters', () => {
    const text = 'x'.repeat(MAX_CAPTION + 1);
    const rendered = renderView({ placement: 'message', text, buttons: [], image: { kind: 'png', base64: 'AAAA' } });
    expect(rendered.photo).toEqual({ image: { kind: 'png', base64: 'AAAA' } });
    expect(rendered.text).toBe(text);
    expect(rendered.reply_markup).toBeUndefined();
  });

  it('never renders empty text and splits long text at line breaks', () => {
    expect(renderView(menu({ text: '  ' })).text).toBe('…');
    const lines = Array.from({ length: 300 }, (_, i) => `第${i}行 ${'款'.repeat(20)}`);
    const parts = splitText(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });
});
