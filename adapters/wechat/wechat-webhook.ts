import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../../src/logger.js';
import { createWechatCipher, signaturesEqual, WechatCryptoError, wechatSignature, type WechatCipher } from './wechat-crypto.js';
import { buildEncryptedXml, buildReplyXml, parseWechatEnvelope, parseWechatMessage, WechatXmlError, type WechatMessage } from './wechat-xml.js';

// The server URL WeChat calls. GET: URL verification. POST: a message, in plaintext, compatible
// or safe mode. Every request's `signature` is checked (and in safe mode `msg_signature` over the
// ciphertext, then the app id inside it) before anything is parsed or processed. The answer is a
// passive reply or `success`: never an empty XML, which the follower would see as
// "该公众号暂时无法提供服务".

const MAX_BODY_BYTES = 64 * 1024;
/** WeChat's retries come within ~15 s; a request older than this is a replay. */
const MAX_SKEW_S = 300;

export interface WechatWebhookOptions {
  path: string;
  token: string;
  appId: string;
  encodingAesKey: string | null;
  /** The passive reply text for a verified message, or null for `success`. */
  handle: (message: WechatMessage) => Promise<string | null>;
  clock: () => number;
  logger: Logger;
}

export function mountWechatWebhook(app: Hono, options: WechatWebhookOptions): void {
  const { token, logger } = options;
  const cipher: WechatCipher | null = options.encodingAesKey ? createWechatCipher(options.encodingAesKey, options.appId) : null;

  function refuse(c: Context, status: 401 | 403, why: string) {
    logger.warn({ channel: 'wechat', why }, 'wechat request refused');
    return c.text('forbidden', status);
  }

  /** `signature` over token, timestamp, nonce, with a fresh timestamp. */
  function signedRequest(c: Context): { timestamp: string; nonce: string } | null {
    const { signature, timestamp, nonce } = c.req.query();
    if (!timestamp || !nonce || !/^\d{1,12}$/.test(timestamp)) return null;
    if (!signaturesEqual(wechatSignature(token, timestamp, nonce), signature)) return null;
    if (Math.abs(options.clock() / 1000 - Number(timestamp)) > MAX_SKEW_S) return null;
    return { timestamp, nonce };
  }

  app.get(options.path, (c) => {
    const echostr = c.req.query('echostr');
    if (!echostr || echostr.length > 1024) return c.text('bad request', 400);
    if (!signedRequest(c)) return refuse(c, 401, 'bad signature on URL verification');
    return c.text(echostr);
  });

  app.post(options.path, bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text('payload too large', 413) }), async (c) => {
    const signed = signedRequest(c);
    if (!signed) return refuse(c, 401, 'bad signature');
    const body = await c.req.text();
    const safe = c.req.query('encrypt_type') === 'aes';
    let message: WechatMessage;
    try {
      if (safe) {
        if (!cipher) return refuse(c, 403, 'safe mode without WECHAT_ENCODING_AES_KEY');
        const envelope = parseWechatEnvelope(body);
        const expected = wechatSignature(token, signed.timestamp, signed.nonce, envelope.encrypt);
        if (!signaturesEqual(expected, c.req.query('msg_signature'))) return refuse(c, 401, 'bad msg_signature');
        const inner = cipher.decrypt(envelope.encrypt);
        if (inner.appId !== options.appId) return refuse(c, 403, 'ciphertext for another app id');
        message = parseWechatMessage(inner.message);
      } else {
        message = parseWechatMessage(body);
      }
    } catch (error) {
      if (error instanceof WechatCryptoError) return refuse(c, 403, `ciphertext rejected: ${error.message}`);
      if (error instanceof WechatXmlError) {
        logger.warn({ channel: 'wechat', err: error.message }, 'wechat message not understood');
        return c.text('bad request', 400);
      }
      throw error;
    }
    const openid = c.req.query('openid');
    if (openid !== undefined && openid !== message.fromUserName) return refuse(c, 403, 'openid does not match the message');

    let reply: string | null = null;
    try {
      reply = await options.handle(message);
    } catch (error) {
      // Answered anyway: a 5xx makes WeChat retry, and the dispatcher's dedupe makes that a no-op.
      logger.error({ channel: 'wechat', err: error instanceof Error ? error.message : String(error) }, 'wechat message failed');
    }
    if (reply === null || reply.trim() === '') return c.text('success');
    const xml = buildReplyXml(message.fromUserName, message.toUserName, Math.floor(options.clock() / 1000), { type: 'text', content: reply });
    if (!safe || !cipher) return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' });
    const encrypt = cipher.encrypt(xml);
    const timestamp = String(Math.floor(options.clock() / 1000));
    const nonce = randomBytes(8).readUInt32BE(0).toString();
    const signature = wechatSignature(token, timestamp, nonce, encrypt);
    return c.body(buildEncryptedXml(encrypt, signature, timestamp, nonce), 200, { 'content-type': 'application/xml; charset=utf-8' });
  });
}
