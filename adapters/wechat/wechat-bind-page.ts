import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { LoginGuard } from '../../src/accounts/login-guard.service.js';
import type { Db } from '../../src/db/database.js';
import type { LoginResult } from '../../src/engine/events.js';
import { parseStudentId } from '../../src/engine/student-id.js';
import { escapeHtml, PRIVATE_PAGE_HEADERS, renderSimplePage } from '../../src/http/simple-page.js';
import type { Logger } from '../../src/logger.js';
import type { RuntimeDispatcher } from '../../src/runtime/dispatcher.js';
import type { BindTokens } from './wechat-bind-token.js';
import { loadChatView } from './wechat-chat.js';

// The binding page: a WeChat chat history can never be deleted, so the password is typed here,
// on a feebot page opened from the chat, never into the chat. Same login guard as every chat
// login (captcha after repeated failures, lockouts, audit), counted against this follower's chat.
// A success logs the WeChat conversation in through the dispatcher (login.result, external).
// No separate CSRF token: the form must carry the signed link token, which only the follower has.

export const BIND_PATH = '/wechat/bind';
const MAX_BODY_BYTES = 8 * 1024;
const MAX_PASSWORD = 128;

export interface BindPageDeps {
  db: Db;
  tokens: BindTokens;
  guard: () => Pick<LoginGuard, 'login' | 'verifyCaptcha'>;
  dispatcher: () => Pick<RuntimeDispatcher, 'deliverEvent'>;
  /** The form posts here (the public base URL), never to the request's Host header. */
  publicBaseUrl: string;
  clock: () => number;
  logger: Logger;
}

interface FormState {
  token: string;
  studentId?: string;
  error?: [zh: string, en: string];
  captchaPng?: string;
}

const both = (zh: string, en: string) => `<p>${escapeHtml(zh)}</p>\n<p class="en" lang="en">${escapeHtml(en)}</p>`;

const EXTRA_STYLE = 'input[type=text]{width:100%;box-sizing:border-box;font-size:1.05rem;padding:10px;border:1px solid #bbb;border-radius:4px}img{display:block;margin:8px 0;border:1px solid #ddd}';

function notice(kind: 'ok' | 'error', zh: string, en: string, status = 200): { html: string; status: number } {
  const title = kind === 'ok' ? '绑定成功 · Bound' : '无法绑定 · Cannot bind';
  return { html: renderSimplePage('zh-CN', title, `<h1>${escapeHtml(title)}</h1><div class="${kind}" role="${kind === 'ok' ? 'status' : 'alert'}">${both(zh, en)}</div>`, EXTRA_STYLE), status };
}

export function renderBindForm(action: string, v: FormState): string {
  const error = v.error ? `<div class="error" role="alert">${both(v.error[0], v.error[1])}</div>` : '';
  const captcha = v.captchaPng
    ? `<label for="captcha">验证码 · Captcha</label><img alt="验证码 captcha" src="data:image/png;base64,${escapeHtml(v.captchaPng)}"><input type="text" id="captcha" name="captcha" autocomplete="off" inputmode="text" required maxlength="16">`
    : '';
  return renderSimplePage(
    'zh-CN',
    '绑定学号 · Bind student ID',
    `<h1>绑定学号</h1>
<p class="en" lang="en">Bind your student ID to this WeChat account</p>
${both('请输入学号和网上缴费密码。密码只在本页面输入，不会出现在微信聊天记录中。', 'Enter your student ID and online payment password. The password is typed only on this page, never into the WeChat chat.')}
${error}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="t" value="${escapeHtml(v.token)}">
<label for="studentId">学号 · Student ID</label>
<input type="text" id="studentId" name="studentId" value="${escapeHtml(v.studentId ?? '')}" autocomplete="username" required maxlength="32">
<label for="password">密码 · Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required maxlength="${MAX_PASSWORD}">
${captcha}
<button type="submit">绑定 · Bind</button>
</form>`,
    EXTRA_STYLE,
  );
}

export function mountBindPage(app: Hono, deps: BindPageDeps): void {
  const action = `${deps.publicBaseUrl}${BIND_PATH}`;
  const page = (c: Context, body: { html: string; status: number }) => {
    for (const [k, v] of Object.entries(PRIVATE_PAGE_HEADERS)) c.header(k, v);
    return c.html(body.html, body.status as 200);
  };
  const expiredPage = () => notice('error', '链接已失效，请回到微信发送“菜单”获取新的绑定链接。', 'This link has expired: send "menu" in WeChat for a new one.', 403);

  /** The follower behind a link, or the page to show instead. */
  async function follower(token: string | undefined): Promise<{ openid: string } | { page: { html: string; status: number } }> {
    const checked = deps.tokens.verify(token ?? '', deps.clock());
    if (!checked.ok) return { page: expiredPage() };
    const chat = await loadChatView(deps.db, checked.openid);
    if (chat.studentId) return { page: notice('ok', `此微信已绑定学号 ${chat.studentId}。如需更换，请先在微信中发送“退出”。`, `This WeChat account is already bound to ${chat.studentId}. Send "logout" in WeChat first to change it.`) };
    return { openid: checked.openid };
  }

  app.get(BIND_PATH, async (c) => {
    const token = c.req.query('t');
    const who = await follower(token);
    if ('page' in who) return page(c, who.page);
    return page(c, { html: renderBindForm(action, { token: token as string }), status: 200 });
  });

  app.post(BIND_PATH, bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text('Payload too large', 413) }), async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const token = field('t');
    const who = await follower(token);
    if ('page' in who) return page(c, who.page);
    const studentId = parseStudentId(field('studentId'));
    const password = field('password');
    const retry = (error: [string, string], captchaPng?: string) =>
      page(c, { html: renderBindForm(action, { token, studentId: studentId ?? field('studentId').slice(0, 32), error, ...(captchaPng ? { captchaPng } : {}) }), status: 200 });
    if (studentId === null) return retry(['学号格式不正确', 'That is not a valid student ID']);
    if (password === '' || password.length > MAX_PASSWORD) return retry(['请输入密码', 'Please enter your password']);

    const guard = deps.guard();
    const where = { channel: 'wechat', chatId: who.openid, now: deps.clock() };
    let challengeSolved = false;
    const captcha = field('captcha').trim();
    if (captcha !== '') {
      const checked = await guard.verifyCaptcha(studentId, captcha.slice(0, 16), where);
      if (!checked.ok) return retry(['验证码错误', 'Wrong captcha'], checked.pngBase64);
      challengeSolved = true;
    }
    const result: LoginResult = await guard.login(studentId, password, challengeSolved, where);
    if (!result.ok) {
      switch (result.reason) {
        case 'invalid':
          return retry(['学号或密码错误', 'Wrong student ID or password'], result.challengePng);
        case 'challenge':
          return retry(['登录失败次数过多，请输入验证码', 'Too many failed attempts: please solve the captcha'], result.challengePng);
        case 'locked': {
          const minutes = Math.max(1, Math.ceil((result.until - where.now) / 60_000));
          return page(c, notice('error', `密码错误次数过多，账户已锁定，请${minutes}分钟后再试，或在微信中使用“忘记密码”。`, `Too many wrong passwords: try again in ${minutes} minutes, or use "forgot" in WeChat.`, 429));
        }
        case 'busy':
          return retry([`系统繁忙，请 ${result.retryAfterSeconds} 秒后再试`, `The system is busy: try again in ${result.retryAfterSeconds} seconds`]);
        default:
          // The initial password's proof of identity (and what follows it) happens in a chat that can
          // take it privately: the web chat, like the forced password change below.
          return page(c, notice('error', '您正在使用初始密码，请先在网页版登录并修改密码，再回来绑定。', 'You are using the initial password: log in on the web version and change it first, then bind.'));
      }
    }
    if (result.mustChangePassword) {
      // A forced change would ask for passwords in the chat: it is done on the web first.
      return page(c, notice('error', '您正在使用初始密码，请先在网页版登录并修改密码，再回来绑定。', 'You are using the initial password: log in on the web version and change it first, then bind.'));
    }
    await deps.dispatcher().deliverEvent('wechat', who.openid, { kind: 'login.result', result, external: true });
    deps.logger.info({ channel: 'wechat' }, 'wechat chat bound through the binding page');
    return page(c, notice('ok', `绑定成功（学号 ${result.studentId}）。请返回微信继续操作。`, `Bound to student ID ${result.studentId}. Go back to WeChat to continue.`));
  });
}
