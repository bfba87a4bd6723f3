import { randomBytes } from 'node:crypto';
import { createWechatCipher, wechatSignature } from '../../adapters/wechat/wechat-crypto.js';
import { cdata, parseWechatEnvelope, parseWechatMessage, type WechatMessage } from '../../adapters/wechat/wechat-xml.js';

// Plays WeChat's servers posting to feebot's server URL: builds the XML, signs (and in safe mode
// encrypts) it exactly as WeChat does, and reads the answer back (decrypting a safe-mode reply).

export const TEST_WECHAT = {
  appId: 'wxfeebot0000000001',
  appSecret: 'fake-app-secret',
  token: 'feebotToken42',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  account: 'gh_feebot00001',
};

export type Mode = 'plain' | 'compat' | 'safe';

export interface WechatAnswer {
  status: number;
  /** The raw body. */
  body: string;
  /** The passive reply's message (decrypted in safe mode), or null for `success` / an error. */
  reply: WechatMessage | null;
}

let msgSeq = 7_000_000_000_000_000_000n;

export function nextMsgId(): string {
  msgSeq += 1n;
  return msgSeq.toString();
}

export function textXml(openid: string, content: string, msgId = nextMsgId(), createTime = Math.floor(Date.now() / 1000)): string {
  return `<xml><ToUserName>${cdata(TEST_WECHAT.account)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content><MsgId>${msgId}</MsgId></xml>`;
}

export function eventXml(openid: string, event: string, eventKey?: string, createTime = Math.floor(Date.now() / 1000)): string {
  const key = eventKey === undefined ? '' : `<EventKey>${cdata(eventKey)}</EventKey>`;
  return `<xml><ToUserName>${cdata(TEST_WECHAT.account)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>${key}</xml>`;
}

export interface PostOptions {
  mode?: Mode;
  /** Overrides, to forge requests. */
  signature?: string;
  msgSignature?: string;
  tamper?: (ciphertext: string) => string;
  timestamp?: string;
}

export function createWechatClient(webhookUrl: string, config = TEST_WECHAT) {
  const cipher = createWechatCipher(config.encodingAesKey, config.appId);

  async function post(xml: string, openid: string, options: PostOptions = {}): Promise<WechatAnswer> {
    const mode = options.mode ?? 'safe';
    const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    const query = new URLSearchParams({ signature: options.signature ?? wechatSignature(config.token, timestamp, nonce), timestamp, nonce, openid });
    let body = xml;
    if (mode !== 'plain') {
      let encrypt = cipher.encrypt(xml);
      const msgSignature = options.msgSignature ?? wechatSignature(config.token, timestamp, nonce, encrypt);
      if (options.tamper) encrypt = options.tamper(encrypt);
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', msgSignature);
      const inner = `<ToUserName>${cdata(config.account)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt>`;
      // Compatible mode carries the plaintext fields beside the ciphertext.
      body = mode === 'compat' ? xml.replace('</xml>', `<Encrypt>${cdata(encrypt)}</Encrypt></xml>`) : `<xml>${inner}</xml>`;
    }
    const response = await fetch(`${webhookUrl}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const text = await response.text();
    return { status: response.status, body: text, reply: response.status === 200 && text !== 'success' ? readReply(text, mode) : null };
  }

  function readReply(text: string, mode: Mode): WechatMessage {
    if (mode === 'plain') return parseWechatMessage(text);
    const envelope = parseWechatEnvelope(text);
    const m = /<MsgSignature><!\[CDATA\[([0-9a-f]+)\]\]><\/MsgSignature><TimeStamp>(\d+)<\/TimeStamp><Nonce><!\[CDATA\[([^\]]+)\]\]><\/Nonce>/.exec(text);
    if (!m || wechatSignature(config.token, m[2]!, m[3]!, envelope.encrypt) !== m[1]) throw new Error(`reply signature does not verify: ${text.slice(0, 200)}`);
    const inner = cipher.decrypt(envelope.encrypt);
    if (inner.appId !== config.appId) throw new Error('reply for another app id');
    return parseWechatMessage(inner.message);
  }

  return {
    post,
    text: (openid: string, content: string, options?: PostOptions & { msgId?: string }) => post(textXml(openid, content, options?.msgId), openid, options),
    event: (openid: string, event: string, eventKey?: string, options?: PostOptions) => post(eventXml(openid, event, eventKey), openid, options),
  };
}

export type WechatClient = ReturnType<typeof createWechatClient>;

export function wechatEnv(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WECHAT_APP_ID: TEST_WECHAT.appId,
    WECHAT_APP_SECRET: TEST_WECHAT.appSecret,
    WECHAT_TOKEN: TEST_WECHAT.token,
    WECHAT_ENCODING_AES_KEY: TEST_WECHAT.encodingAesKey,
    WECHAT_API_ROOT: apiRoot,
    ...extra,
  };
}
