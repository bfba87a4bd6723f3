import { describe, expect, it } from 'vitest';
import { parseWechatInbound, updateIdOf } from '../../adapters/wechat/wechat-inbound.js';
import { renderWechatView, splitText } from '../../adapters/wechat/wechat-render.js';
import { buildReplyXml, parseWechatEnvelope, parseWechatMessage, WechatXmlError } from '../../adapters/wechat/wechat-xml.js';

const head = (type: string) =>
  `<ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>1764662400</CreateTime><MsgType><![CDATA[${type}]]></MsgType>`;

describe('WeChat XML', () => {
  it('parses every message type WeChat posts, keeping MsgId a string (64-bit)', () => {
    const text = parseWechatMessage(`<xml>${head('text')}<Content><![CDATA[回复 1]]></Content><MsgId>23873892742784928374</MsgId></xml>`);
    expect(text).toEqual({ toUserName: 'gh_abc', fromUserName: 'oUser1', createTime: '1764662400', msgType: 'text', content: '回复 1', msgId: '23873892742784928374' });
    const cases: [string, string, Record<string, unknown>][] = [
      ['subscribe', '<EventKey><![CDATA[qrscene_pay]]></EventKey>', { kind: 'dispatch', update: { event: { kind: 'start', payload: 'pay' } } }],
      ['subscribe', '', { kind: 'dispatch', update: { event: { kind: 'start' } } }],
      ['SCAN', '<EventKey><![CDATA[history]]></EventKey><Ticket><![CDATA[t]]></Ticket>', { kind: 'dispatch', update: { event: { kind: 'start', payload: 'history' } } }],
      ['unsubscribe', '', { kind: 'unsubscribe', openid: 'oUser1' }],
      ['CLICK', '<EventKey><![CDATA[FEEBOT_PAY]]></EventKey>', { kind: 'dispatch', update: { event: { kind: 'text', text: '/pay' } } }],
      ['CLICK', '<EventKey><![CDATA[UNKNOWN]]></EventKey>', { kind: 'ignore' }],
      ['VIEW', '<EventKey><![CDATA[https://x.example/]]></EventKey>', { kind: 'ignore' }],
      ['TEMPLATESENDJOBFINISH', '<MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>', { kind: 'ignore' }],
      ['LOCATION', '<Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>119</Precision>', { kind: 'ignore' }],
    ];
    for (const [event, extra, expected] of cases) {
      const message = parseWechatMessage(`<xml>${head('event')}<Event><![CDATA[${event}]]></Event>${extra}</xml>`);
      expect(parseWechatInbound(message), event).toMatchObject(expected);
    }
    for (const type of ['image', 'voice', 'video', 'location', 'link']) {
      expect(parseWechatInbound(parseWechatMessage(`<xml>${head(type)}<MsgId>1</MsgId></xml>`))).toEqual({ kind: 'unsupported', openid: 'oUser1' });
    }
    const report = parseWechatMessage(`<xml>${head('event')}<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID></xml>`);
    expect(report.msgId).toBe('200163836');
  });

  it('dedupes events by follower, time, event and key; messages by MsgId', () => {
    const click = (key: string) => parseWechatMessage(`<xml>${head('event')}<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${key}]]></EventKey></xml>`);
    expect(updateIdOf(click('FEEBOT_PAY'))).toBe(updateIdOf(click('FEEBOT_PAY')));
    expect(updateIdOf(click('FEEBOT_PAY'))).not.toBe(updateIdOf(click('FEEBOT_HOME')));
    expect(updateIdOf(click('K'.repeat(300))).length).toBeLessThanOrEqual(128);
    expect(updateIdOf(parseWechatMessage(`<xml>${head('text')}<Content>a</Content><MsgId>99</MsgId></xml>`))).toBe('99');
  });

  it('refuses malformed XML, a missing field, nested values and no root', () => {
    expect(() => parseWechatMessage('<xml><ToUserName>')).toThrow(WechatXmlError);
    expect(() => parseWechatMessage(`<xml><FromUserName>a</FromUserName></xml>`)).toThrow(/ToUserName/);
    expect(() => parseWechatMessage(`<xml>${head('text')}<Content><b>x</b></Content></xml>`)).toThrow(WechatXmlError);
    expect(() => parseWechatMessage('<other/>')).toThrow(/root/);
    expect(() => parseWechatEnvelope('<xml><ToUserName>x</ToUserName></xml>')).toThrow(/Encrypt/);
  });

  it('builds a passive reply whose CDATA survives "]]>" and parses back', () => {
    const xml = buildReplyXml('oUser1', 'gh_abc', 1764662400, { type: 'text', content: 'a ]]> b <a href="x">y</a>' });
    expect(parseWechatMessage(xml)).toMatchObject({ toUserName: 'oUser1', fromUserName: 'gh_abc', msgType: 'text', content: 'a ]]> b <a href="x">y</a>' });
  });
});

describe('WeChat rendering', () => {
  const ctx = { lang: 'zh-CN' as const, bindUrl: null, bindMinutes: 10, webUrl: 'https://fee.example/' };

  it('numbers code buttons in menuCodes order (disabled ones too), writes links as <a href>, the QR as a picture after the text', () => {
    const messages = renderWechatView(
      {
        placement: 'menu',
        text: '订单已创建',
        buttons: [[{ label: '去支付', url: 'https://pay.example/p/1' }], [{ label: '付款已成功', code: 'v1:paid::4' }, { label: '同意（3秒）', code: 'v1:agree::4', disabled: true }]],
        image: { kind: 'qr', payload: 'https://pay.example/p/1' },
      },
      ctx,
    );
    expect(messages).toEqual([
      { type: 'text', content: '订单已创建\n\n<a href="https://pay.example/p/1">去支付</a>\n\n回复 1 付款已成功\n回复 2 同意（3秒）' },
      { type: 'image', image: { kind: 'qr', payload: 'https://pay.example/p/1' } },
    ]);
  });

  it('never shows a password prompt: the binding link (not bound) or the web version (bound)', () => {
    const prompt = { placement: 'menu' as const, text: '学号：2023001\n请输入密码', buttons: [[{ label: '返回', code: 'v1:back::2' }]], input: 'password' as const };
    const unbound = renderWechatView(prompt, { ...ctx, bindUrl: 'https://fee.example/wechat/bind?t=x' });
    expect(unbound[0]).toMatchObject({ type: 'text' });
    const text = unbound[0]?.type === 'text' ? unbound[0].content : '';
    expect(text).not.toContain('请输入密码');
    expect(text).toContain('<a href="https://fee.example/wechat/bind?t=x">绑定学号</a>');
    expect(text).toContain('回复 1 返回');
    const bound = renderWechatView(prompt, ctx);
    expect(bound[0]?.type === 'text' && bound[0].content).toContain('<a href="https://fee.example/">打开网页版</a>');
  });

  it('splits long text at line breaks under 2000 bytes, never empty', () => {
    const long = Array.from({ length: 200 }, (_, i) => `第${i}行：项目费用明细`).join('\n');
    const parts = splitText(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(2000);
    expect(parts.join('\n')).toBe(long);
    expect(splitText('')).toEqual(['…']);
    expect(renderWechatView({ placement: 'message', text: '', buttons: [] }, ctx)).toEqual([{ type: 'text', content: '…' }]);
  });
});
