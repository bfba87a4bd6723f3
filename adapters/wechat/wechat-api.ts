import type { Db } from '../../src/db/database.js';
import { dropWechatToken, findWechatToken, saveWechatToken } from '../../src/db/repositories/wechat.repository.js';
import type { PassiveMessage } from './wechat-xml.js';

// The slice of the Official Account API feebot uses: stable_token, customer-service and template
// messages, the custom menu, temporary media. One access_token for all instances, kept in the DB.

/** errcodes that mean the access_token is no good: refresh once and try again. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** "System busy": worth a short backoff. */
const BUSY = -1;
/** Renew a little before WeChat's 7200 s run out, so a call never carries a token about to die. */
const TOKEN_MARGIN_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly method: string,
  ) {
    super(`WeChat ${method} failed: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

export interface MenuButton {
  name: string;
  type?: 'click' | 'view';
  key?: string;
  url?: string;
  sub_button?: MenuButton[];
}

export interface TemplateSend {
  templateId: string;
  data: Record<string, { value: string }>;
  url?: string;
  /** WeChat sends one message per openid + client_msg_id (≤ 64 bytes). */
  clientMsgId: string;
}

export interface WechatApi {
  sendCustom(openid: string, message: PassiveMessage): Promise<void>;
  sendTemplate(openid: string, send: TemplateSend): Promise<void>;
  createMenu(buttons: MenuButton[]): Promise<void>;
  /** A temporary image (3 days); returns its media_id. */
  uploadImage(png: Buffer, filename: string): Promise<string>;
}

export interface WechatApiOptions {
  db: Db;
  apiRoot: string;
  appId: string;
  appSecret: string;
  clock: () => number;
  /** Waits before retries of a "system busy" (-1) answer. */
  busyBackoffMs?: number[];
  fetch?: typeof fetch;
}

interface ApiAnswer {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

export function createWechatApi(options: WechatApiOptions): WechatApi {
  const { db, apiRoot, appId, clock } = options;
  const doFetch = options.fetch ?? fetch;
  const busyBackoff = options.busyBackoffMs ?? [300, 1_000, 3_000];
  let cached: { accessToken: string; expiresAt: number } | null = null;
  let refreshing: Promise<string> | null = null;

  async function request(path: string, init: { json?: unknown; form?: FormData }): Promise<ApiAnswer> {
    const response = await doFetch(`${apiRoot}${path}`, {
      method: 'POST',
      ...(init.json !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.json) } : {}),
      ...(init.form ? { body: init.form } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new WechatApiError(BUSY, `HTTP ${response.status}`, path.split('?')[0] ?? path);
    try {
      return JSON.parse(text) as ApiAnswer;
    } catch {
      throw new WechatApiError(BUSY, 'answer is not JSON', path.split('?')[0] ?? path);
    }
  }

  async function fetchStableToken(forceRefresh: boolean): Promise<string> {
    const answer = await request('/cgi-bin/stable_token', {
      json: { grant_type: 'client_credential', appid: appId, secret: options.appSecret, force_refresh: forceRefresh },
    });
    if (typeof answer.access_token !== 'string' || typeof answer.expires_in !== 'number') {
      throw new WechatApiError(answer.errcode ?? BUSY, answer.errmsg ?? 'no access_token', 'stable_token');
    }
    const token = { accessToken: answer.access_token, expiresAt: clock() + answer.expires_in * 1000 };
    await saveWechatToken(db, appId, token, clock());
    cached = token;
    return token.accessToken;
  }

  /** The shared token: this process's copy, else the database's, else a new one from WeChat. */
  async function accessToken(): Promise<string> {
    const now = clock();
    if (cached && cached.expiresAt - TOKEN_MARGIN_MS > now) return cached.accessToken;
    const stored = await findWechatToken(db, appId);
    if (stored && stored.expiresAt - TOKEN_MARGIN_MS > now) {
      cached = stored;
      return stored.accessToken;
    }
    refreshing ??= fetchStableToken(false).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** WeChat refused `bad`: forget it everywhere and get the current one (forced if WeChat hands back the same). */
  async function replaceToken(bad: string): Promise<string> {
    cached = null;
    await dropWechatToken(db, appId, bad);
    const next = await accessToken();
    return next === bad ? fetchStableToken(true) : next;
  }

  /** Calls a token-carrying method: one token refresh on 40001/40014/42001, backoff on -1. */
  async function call(method: string, body: (token: string) => { json?: unknown; form?: FormData }, query = ''): Promise<ApiAnswer> {
    let token = await accessToken();
    let refreshed = false;
    for (let busy = 0; ; ) {
      let answer: ApiAnswer;
      try {
        answer = await request(`/cgi-bin/${method}?access_token=${encodeURIComponent(token)}${query}`, body(token));
      } catch (error) {
        if (!(error instanceof WechatApiError) || busy >= busyBackoff.length) throw error;
        answer = { errcode: error.errcode, errmsg: error.errmsg };
      }
      const errcode = answer.errcode ?? 0;
      if (errcode === 0) return answer;
      if (TOKEN_ERRORS.has(errcode) && !refreshed) {
        refreshed = true;
        token = await replaceToken(token);
        continue;
      }
      if (errcode === BUSY && busy < busyBackoff.length) {
        await new Promise((resolve) => setTimeout(resolve, busyBackoff[busy]));
        busy += 1;
        continue;
      }
      throw new WechatApiError(errcode, answer.errmsg ?? '', method);
    }
  }

  return {
    async sendCustom(openid, message) {
      const json =
        message.type === 'text'
          ? { touser: openid, msgtype: 'text', text: { content: message.content } }
          : { touser: openid, msgtype: 'image', image: { media_id: message.mediaId } };
      await call('message/custom/send', () => ({ json }));
    },
    async sendTemplate(openid, send) {
      const json = { touser: openid, template_id: send.templateId, data: send.data, client_msg_id: send.clientMsgId, ...(send.url ? { url: send.url } : {}) };
      await call('message/template/send', () => ({ json }));
    },
    async createMenu(buttons) {
      await call('menu/create', () => ({ json: { button: buttons } }));
    },
    async uploadImage(png, filename) {
      const answer = await call(
        'media/upload',
        () => {
          const form = new FormData();
          form.append('media', new Blob([new Uint8Array(png)], { type: 'image/png' }), filename);
          return { form };
        },
        '&type=image',
      );
      if (typeof answer.media_id !== 'string') throw new WechatApiError(BUSY, 'no media_id', 'media/upload');
      return answer.media_id;
    },
  };
}
