import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { freePort } from '../support/free-port.js';

// A fake of the WeChat Official Account API speaking its wire format: stable_token,
// message/custom/send, message/template/send, menu/create and media/upload (multipart), with
// errcode injection (45015, 45047, 40001, -1…) and the 48-hour window played per openid.

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
  /** The next calls of `method` answer these errcodes, in order. */
  inject(method: string, ...errcodes: number[]): void;
  /** The current token stops working (as if it expired early): the next call gets 40001. */
  invalidateToken(): void;
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
};

export async function startFakeWechatApi(appId = 'wxfeebot0000000001', appSecret = 'fake-app-secret'): Promise<FakeWechatApi> {
  const sent: Sent[] = [];
  const menus: unknown[] = [];
  const calls: FakeWechatApi['calls'] = [];
  const tokenIssues: FakeWechatApi['tokenIssues'] = [];
  const windowClosed = new Set<string>();
  const injected = new Map<string, number[]>();
  const media = new Map<string, Buffer>();
  const templateIds = new Set<string>();
  let tokenSeq = 0;
  let current: string | null = null;

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
    if (typeof body.template_id !== 'string' || body.template_id === '') return error(c, 40037);
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
