import { parseWechatInbound } from '../../adapters/wechat/wechat-inbound.js';
import { renderWechatView, type WechatOutMessage } from '../../adapters/wechat/wechat-render.js';
import { parseWechatMessage } from '../../adapters/wechat/wechat-xml.js';
import { eventXml, textXml } from '../wechat/wechat-client.js';
import { runChannelContract, type InboundEvent } from './channel-contract.js';

// WeChat through the suite: what the follower reads is rendered by the adapter's pure renderer
// (as for a chat not yet bound, so the binding link is there); what they send is the XML WeChat
// posts, through the adapter's real XML parse and inbound parse.

const OPENID = 'o_contract_follower';

function parse(xml: string): InboundEvent | null {
  const parsed = parseWechatInbound(parseWechatMessage(xml));
  return parsed.kind === 'dispatch' ? parsed.update.event : null;
}

const texts = (messages: WechatOutMessage[]) => messages.flatMap((m) => (m.type === 'text' ? [m.content] : []));

runChannelContract<WechatOutMessage[]>('wechat', {
  render: (view) => renderWechatView(view, { lang: 'zh-CN', bindUrl: 'https://fee.example.edu.cn/wechat/bind?t=abc.def.ghi', bindMinutes: 10, webUrl: 'https://fee.example.edu.cn/' }),
  texts,
  buttons: (messages) =>
    texts(messages).flatMap((t) => [...t.matchAll(/^回复 (\d+) (.+)$/gm)].map((m) => ({ label: m[2]!, callback: m[1]! }))),
  links: (messages) => texts(messages).flatMap((t) => [...t.matchAll(/<a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => ({ label: m[2]!, url: m[1]! }))),
  image: (messages) => messages.flatMap((m) => (m.type === 'image' ? [m.image] : []))[0],
  passwordMasked: 'elsewhere',
  numbered: true,
  // The engine reads one or two digits as an option number.
  maxCallbackBytes: 2,
  parsePress: (n) => parse(textXml(OPENID, n)),
  parseText: (text) => parse(textXml(OPENID, text)),
  parseStart: (payload) => parse(eventXml(OPENID, 'subscribe', payload === undefined ? undefined : `qrscene_${payload}`)),
});
