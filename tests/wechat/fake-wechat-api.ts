import { randomBytes } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { freePort } from '../support/free-port.js';

// A fake of the WeChat Official Account API speaking its wire format: stable_token,
// message/custom/send, message/template/send, menu/create and media/upload (multipart), with
// errcode injection (45015, 45047, 40001, -1…), the 48-hour window played per openid, the OA's
// template ids (40037 for others) and followers refusing templates (43101). Also the
// OA's web authorisation as WeChat's browser meets it: open.weixin.qq.com/connect/oauth2/authorize
// (snsapi_base: no consent page, a 302 straight back to redirect_uri?code=CODE&state=STATE, only
// inside WeChat, only to the configured 网页授权域名) and sns/oauth2/access_token (code → openid;
// codes single-use, 5 minutes; 40029 / 40163 / 40125 / 40013 errors).

export interface SentCustom {
  kind: 'custom';
  touser: string;
  msgtype: 'text' | 'image';
  content?: string;
  mediaId?: string;
  /** The PNG behind an image's media_id. */
  image?: Buffer;
}

export interface SentTemplate {
  kind: 'template';
  touser: string;
  templateId: string;
  data: Record<string, { value: string }>;
  url?: string;
  clientMsgId?: string;
}

export type Sent = SentCustom | SentTemplate;

export interface FakeWechatApi {
  apiRoot: string;
  appId: string;
  appSecret: string;
  sent: Sent[];
  menus: unknown[];
  /** Every call: method and the access_token it carried. */
  calls: { method: string; token: string | null; at: number }[];
  tokenIssues: { forceRefresh: boolean }[];
  /** Followers outside the customer-service window (custom/send answers 45015). */
  windowClosed: Set<string>;
  /** The OA's template ids (its 我的模板): when any are listed, template/send with another answers 40037. */
  templates: Set<string>;
  /** Followers who refused this OA's template messages (template/send answers 43101). */
  refusesTemplates: Set<string>;
  /** The next calls of `method` answer these errcodes, in order. */
  inject(method: string, ...errcodes: number[]): void;
  /** The current token stops working (as if it expired early): the next call gets 40001. */
  invalidateToken(): void;
  /** The OA's web authorisation: its 网页授权域名 (host[:port]), the WeChat user whose browser comes. */
  webAuth: { domain: string | null; browserOpenid: string; snapshotUser: boolean };
  /** Each authorize visit and code exchange, as WeChat saw it. */
  webAuthCalls: { method: 'authorize' | 'access_token'; params: Record<string, string> }[];
  sentTo(openid: string): Sent[];
  texts(openid: string): string[];
  close(): Promise<void>;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40014: 'invalid access_token',
  42001: 'access_token expired',
  45015: 'response out of time limit or subscription is canceled',
  45047: 'out of response count limit',
  43004: 'require subscribe',
  40037: 'invalid template_id',
  43101: 'user refuse to accept the msg',
};

export async function startFakeWechatApi(appId = 'wxfeebot0000000001', appSecret = 'fake-app-secret'): Promise<FakeWechatApi> {
  const sent: Sent[] = [];
  const menus: unknown[] = [];
  const calls: FakeWechatApi['calls'] = [];
  const tokenIssues: FakeWechatApi['tokenIssues'] = [];
  const windowClosed = new Set<string>();
  const templates = new Set<string>();
  const refusesTemplates = new Set<string>();
  const injected = new Map<string, number[]>();
  const media = new Map<string, Buffer>();
  const templateIds = new Set<string>();
  let tokenSeq = 0;
  let current: string | null = null;
  const webAuth: FakeWechatApi['webAuth'] = { domain: null, browserOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', snapshotUser: false };
  const webAuthCalls: FakeWechatApi['webAuthCalls'] = [];
  const codes = new Map<string, { openid: string; issuedAt: number; used: boolean; snapshot: boolean }>();

  const app = new Hono();
  const error = (c: Context, errcode: number) => c.json({ errcode, errmsg: `${ERRMSG[errcode] ?? 'error'} rid: fake` });

  /** Token check and injected errors; null when the call may proceed. */
  function gate(c: Context, method: string): Response | null {
    const token = c.req.query('access_token') ?? null;
    calls.push({ method, token, at: Date.now() });
    const queue = injected.get(method);
    if (queue && queue.length > 0) return error(c, queue.shift()!);
    if (!token || token !== current) return error(c, 40001);
    return null;
  }

  app.post('/cgi-bin/stable_token', async (c) => {
    const body = (await c.req.json()) as { grant_type?: string; appid?: string; secret?: string; force_refresh?: boolean };
    calls.push({ method: 'stable_token', token: null, at: Date.now() });
    const queue = injected.get('stable_token');
    if (queue && queue.length > 0) return error(c, queue.shift()!);
    if (body.grant_type !== 'client_credential' || body.appid !== appId || body.secret !== appSecret) return c.json({ errcode: 40125, errmsg: 'invalid appsecret' });
    tokenIssues.push({ forceRefresh: body.force_refresh === true });
    if (!current || body.force_refresh === true) current = `FAKE_TOKEN_${++tokenSeq}_${'x'.repeat(20)}`;
    return c.json({ access_token: current, expires_in: 7200 });
  });

  app.post('/cgi-bin/message/custom/send', async (c) => {
    const refused = gate(c, 'message/custom/send');
    if (refused) return refused;
    const body = (await c.req.json()) as { touser: string; msgtype: string; text?: { content: string }; image?: { media_id: string } };
    if (windowClosed.has(body.touser)) return error(c, 45015);
    if (body.msgtype === 'text' && typeof body.text?.content === 'string' && body.text.content !== '') {
      sent.push({ kind: 'custom', touser: body.touser, msgtype: 'text', content: body.text.content });
    } else if (body.msgtype === 'image' && body.image && media.has(body.image.media_id)) {
      sent.push({ kind: 'custom', touser: body.touser, msgtype: 'image', mediaId: body.image.media_id, image: media.get(body.image.media_id)! });
    } else {
      return c.json({ errcode: 40008, errmsg: 'invalid message type' });
    }
    return c.json({ errcode: 0, errmsg: 'ok' });
  });

  app.post('/cgi-bin/message/template/send', async (c) => {
    const refused = gate(c, 'message/template/send');
    if (refused) return refused;
    const body = (await c.req.json()) as { touser: string; template_id: string; data: Record<string, { value: string }>; url?: string; client_msg_id?: string };
    if (typeof body.template_id !== 'string' || body.template_id === '' || (templates.size > 0 && !templates.has(body.template_id))) return error(c, 40037);
    if (refusesTemplates.has(body.touser)) return error(c, 43101);
    for (const [key, { value }] of Object.entries(body.data ?? {})) {
      // WeChat's rules for the newer templates: thing ≤ 20 characters, no line breaks anywhere.
      if (/\n/.test(value) || (key.startsWith('thing') && [...value].length > 20)) return c.json({ errcode: 47003, errmsg: `argument invalid! data.${key}.value invalid` });
    }
    if (body.client_msg_id && sent.some((s) => s.kind === 'template' && s.touser === body.touser && s.clientMsgId === body.client_msg_id)) {
      return c.json({ errcode: 0, errmsg: 'ok', msgid: 1 });
    }
    templateIds.add(body.template_id);
    sent.push({ kind: 'template', touser: body.touser, templateId: body.template_id, data: body.data, ...(body.url ? { url: body.url } : {}), ...(body.client_msg_id ? { clientMsgId: body.client_msg_id } : {}) });
    return c.json({ errcode: 0, errmsg: 'ok', msgid: sent.length });
  });

  app.post('/cgi-bin/menu/create', async (c) => {
    const refused = gate(c, 'menu/create');
    if (refused) return refused;
    menus.push(await c.req.json());
    return c.json({ errcode: 0, errmsg: 'ok' });
  });

  app.post('/cgi-bin/media/upload', async (c) => {
    const refused = gate(c, 'media/upload');
    if (refused) return refused;
    if (c.req.query('type') !== 'image') return c.json({ errcode: 40004, errmsg: 'invalid media type' });
    const form = await c.req.formData();
    const file = form.get('media');
    if (!(file instanceof Blob)) return c.json({ errcode: 41005, errmsg: 'media data missing' });
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.subarray(1, 4).toString('latin1') !== 'PNG') return c.json({ errcode: 40005, errmsg: 'invalid file type' });
    const id = `MEDIA_${media.size + 1}`;
    media.set(id, bytes);
    return c.json({ type: 'image', media_id: id, created_at: Math.floor(Date.now() / 1000) });
  });

  // What WeChat's browser shows for a bad authorisation link: an error page, no redirect.
  const authError = (c: Context, code: number, text: string) => c.html(`<html><body><p>${code} ${text}</p></body></html>`, 200);

  app.get('/connect/oauth2/authorize', (c) => {
    const params = c.req.query();
    webAuthCalls.push({ method: 'authorize', params });
    if (!/MicroMessenger/i.test(c.req.header('user-agent') ?? '')) return authError(c, 0, '请在微信客户端打开链接');
    if (!params.appid) return authError(c, 10012, 'appid 不能为空');
    if (params.appid !== appId) return authError(c, 10016, '不支持的 appid');
    if (!params.redirect_uri) return authError(c, 10011, 'redirect_uri 不能为空');
    let redirect: URL;
    try {
      redirect = new URL(params.redirect_uri);
    } catch {
      return authError(c, 10003, 'redirect_uri 参数错误');
    }
    if (redirect.host !== webAuth.domain) return authError(c, 10003, 'redirect_uri域名与后台配置不一致');
    if (params.response_type !== 'code') return authError(c, 10001, 'response_type 错误');
    if (!params.scope) return authError(c, 10010, 'scope不能为空');
    if (params.scope !== 'snsapi_base' && params.scope !== 'snsapi_userinfo') return authError(c, 10005, '此公众号并没有这些scope的权限');
    const state = params.state ?? '';
    if (!/^[A-Za-z0-9]{0,128}$/.test(state)) return authError(c, 10014, 'state 参数错误');
    const code = randomBytes(16).toString('hex');
    codes.set(code, { openid: webAuth.browserOpenid, issuedAt: Date.now(), used: false, snapshot: webAuth.snapshotUser });
    const sep = params.redirect_uri.includes('?') ? '&' : '?';
    return c.redirect(`${params.redirect_uri}${sep}code=${code}&state=${state}`, 302);
  });

  app.get('/sns/oauth2/access_token', (c) => {
    const params = c.req.query();
    webAuthCalls.push({ method: 'access_token', params });
    if (params.appid !== appId) return c.json({ errcode: 40013, errmsg: 'invalid appid' });
    if (params.secret !== appSecret) return c.json({ errcode: 40125, errmsg: 'invalid appsecret' });
    if (params.grant_type !== 'authorization_code') return c.json({ errcode: 40002, errmsg: 'invalid grant_type' });
    const entry = codes.get(params.code ?? '');
    if (!entry || Date.now() - entry.issuedAt > 5 * 60_000) return c.json({ errcode: 40029, errmsg: 'invalid code' });
    if (entry.used) return c.json({ errcode: 40163, errmsg: 'code been used' });
    entry.used = true;
    return c.json({
      access_token: `SNS_${randomBytes(12).toString('hex')}`, expires_in: 7200, refresh_token: `REFRESH_${randomBytes(12).toString('hex')}`,
      openid: entry.openid, scope: 'snsapi_base', ...(entry.snapshot ? { is_snapshotuser: 1 } : {}),
    });
  });

  const port = await freePort();
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    appId,
    appSecret,
    sent,
    menus,
    calls,
    tokenIssues,
    windowClosed,
    templates,
    refusesTemplates,
    webAuth,
    webAuthCalls,
    inject(method, ...errcodes) {
      injected.set(method, [...(injected.get(method) ?? []), ...errcodes]);
    },
    invalidateToken() {
      current = `REVOKED_${tokenSeq}`;
    },
    sentTo: (openid) => sent.filter((s) => s.touser === openid),
    texts: (openid) => sent.flatMap((s) => (s.touser === openid && s.kind === 'custom' && s.content !== undefined ? [s.content] : [])),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
