import { XMLParser } from 'fast-xml-parser';

// The XML WeChat posts and the XML we answer with. Every value stays a string: MsgId is a 64-bit
// integer that a JavaScript number would round.

export interface WechatMessage {
  toUserName: string;
  /** The follower's openid. */
  fromUserName: string;
  createTime: string;
  msgType: string;
  msgId?: string;
  content?: string;
  event?: string;
  eventKey?: string;
}

/** The safe-mode envelope: everything but the addressee is inside `Encrypt`. */
export interface WechatEnvelope {
  toUserName?: string;
  encrypt: string;
}

export class WechatXmlError extends Error {}

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  // Entities beyond the five standard ones are not expanded (no billion laughs).
  processEntities: true,
  htmlEntities: false,
});

function root(xml: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parser.parse(xml, true);
  } catch (error) {
    throw new WechatXmlError(`malformed XML: ${error instanceof Error ? error.message.slice(0, 100) : 'parse error'}`);
  }
  const node = (parsed as { xml?: unknown } | null)?.xml;
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw new WechatXmlError('no <xml> root element');
  return node as Record<string, unknown>;
}

function field(node: Record<string, unknown>, name: string): string | undefined {
  const value = node[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // An empty element parses as ''; nested or repeated elements are not what WeChat sends.
  throw new WechatXmlError(`<${name}> is not a plain value`);
}

function required(node: Record<string, unknown>, name: string): string {
  const value = field(node, name);
  if (value === undefined || value === '') throw new WechatXmlError(`<${name}> is missing`);
  return value;
}

export function parseWechatMessage(xml: string): WechatMessage {
  const node = root(xml);
  const message: WechatMessage = {
    toUserName: required(node, 'ToUserName'),
    fromUserName: required(node, 'FromUserName'),
    createTime: required(node, 'CreateTime'),
    msgType: required(node, 'MsgType'),
  };
  if (!/^\d{1,12}$/.test(message.createTime)) throw new WechatXmlError('<CreateTime> is not a number');
  const optional = { msgId: 'MsgId', content: 'Content', event: 'Event', eventKey: 'EventKey' } as const;
  for (const [key, name] of Object.entries(optional) as [keyof typeof optional, string][]) {
    const value = field(node, name);
    if (value !== undefined) message[key] = value;
  }
  // TEMPLATESENDJOBFINISH spells it MsgID.
  if (message.msgId === undefined) {
    const upper = field(node, 'MsgID');
    if (upper !== undefined) message.msgId = upper;
  }
  return message;
}

export function parseWechatEnvelope(xml: string): WechatEnvelope {
  const node = root(xml);
  const envelope: WechatEnvelope = { encrypt: required(node, 'Encrypt') };
  const to = field(node, 'ToUserName');
  if (to !== undefined) envelope.toUserName = to;
  return envelope;
}

/** CDATA cannot hold `]]>`: split it across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

export type PassiveMessage = { type: 'text'; content: string } | { type: 'image'; mediaId: string };

/** A passive reply to the follower `toUser` from the account `fromUser`. */
export function buildReplyXml(toUser: string, fromUser: string, createTime: number, message: PassiveMessage): string {
  const head = `<ToUserName>${cdata(toUser)}</ToUserName><FromUserName>${cdata(fromUser)}</FromUserName><CreateTime>${createTime}</CreateTime>`;
  const body =
    message.type === 'text'
      ? `<MsgType>${cdata('text')}</MsgType><Content>${cdata(message.content)}</Content>`
      : `<MsgType>${cdata('image')}</MsgType><Image><MediaId>${cdata(message.mediaId)}</MediaId></Image>`;
  return `<xml>${head}${body}</xml>`;
}

/** The safe-mode reply around an encrypted passive reply. */
export function buildEncryptedXml(encrypt: string, msgSignature: string, timestamp: string, nonce: string): string {
  return `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(msgSignature)}</MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`;
}
