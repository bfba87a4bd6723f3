import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Env, Hono, Schema } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { PasswordResets } from '../accounts/password-reset.service.js';
import type { PasswordProblem } from '../engine/events.js';
import { CATALOGS } from '../engine/i18n/index.js';
import type { Logger } from '../logger.js';
import { setBodyLimit } from './body-limit.js';
import { renderReturnLinks, RETURN_LINKS_STYLE, type ReturnLink, type ReturnLinks } from './return-links.js';
import { escapeHtml } from './simple-page.js';
import { PRIVATE_PAGE_HEADERS, renderSimplePage, simplePageStyleHash } from './simple-page.js';

// The page behind the link in a reset mail: GET shows the form, POST sets the new password.
// CSRF: a random per-form token sits in a hidden field and in an HttpOnly SameSite=Strict
// cookie, and both must match (double submit); the reset token itself must come along too.
// zh-CN first, English below; no JavaScript; the form posts to the configured public base URL.

export interface ResetPasswordPageDeps {
  resets: Pick<PasswordResets, 'inspect' | 'consume'>;
  /** The form's action is built from this, never from the request's Host header. */
  publicBaseUrl: string;
  logger?: Logger;
  /** UNIVERSITY_NAME, in the page title and header. */
  universityName?: string;
  /** Links back to the conversation, on the pages after which the student returns there. */
  returnLinks?: ReturnLinks;
}

/** The university and the way back to the chat, shared by every page of the reset. */
export interface ResetPageFrame {
  universityName?: string;
  links?: readonly ReturnLink[];
}

function resetPage(title: string, body: string, frame: ResetPageFrame, withLinks = false): string {
  const name = frame.universityName;
  const head = name ? `<p class="en" id="university">${escapeHtml(name)}</p>\n` : '';
  const links = withLinks ? `\n${renderReturnLinks(frame.links ?? [])}` : '';
  return renderSimplePage('zh-CN', name ? `${title} - ${name}` : title, `${head}${body}${links}`, RETURN_LINKS_STYLE);
}

const CSRF_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const MAX_BODY_BYTES = 16 * 1024;

const PROBLEM_KEYS = {
  wrongOld: 'password.failed',
  tooShort: 'password.tooShort',
  sameAsStudentId: 'password.sameAsStudentId',
  sameAsInitial: 'password.sameAsInitial',
  sameAsCurrent: 'password.sameAsCurrent',
  mismatch: 'password.mismatch',
} as const satisfies Record<PasswordProblem, string>;

const both = (zh: string, en: string, tag = 'p'): string => `<${tag}>${escapeHtml(zh)}</${tag}>\n<${tag} class="en" lang="en">${escapeHtml(en)}</${tag}>`;

interface FormValues {
  action: string;
  token: string;
  csrf: string;
  studentId: string;
  problem?: PasswordProblem;
}

export function renderResetForm(v: FormValues, frame: ResetPageFrame = {}): string {
  const error = v.problem
    ? `<div class="error" role="alert">${both(CATALOGS['zh-CN'][PROBLEM_KEYS[v.problem]], CATALOGS.en[PROBLEM_KEYS[v.problem]])}</div>`
    : '';
  return resetPage(
    '重置密码 · Reset password',
    `<h1>重置网上缴费密码</h1>
<p class="en" lang="en">Reset your online payment password</p>
${both(`学号：${v.studentId}`, `Student ID: ${v.studentId}`)}
${error}
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="token" value="${escapeHtml(v.token)}">
<input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}">
<input type="text" name="username" value="${escapeHtml(v.studentId)}" autocomplete="username" readonly hidden>
<label for="password">新密码 <span class="en" lang="en">New password</span></label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="256" required>
<label for="confirm">确认新密码 <span class="en" lang="en">Confirm the new password</span></label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="8" maxlength="256" required>
<div class="rules">${both('至少 8 位，不能与学号、初始密码或当前密码相同。', 'At least 8 characters; not your student ID, the initial password or your current password.')}</div>
<button type="submit">设置新密码 · Set new password</button>
</form>`,
    frame,
  );
}

export function renderResetSuccess(frame: ResetPageFrame = {}): string {
  return resetPage(
    '密码已重置 · Password changed',
    `<h1>密码已重置</h1>
<p class="en" lang="en">Your password has been changed</p>
<div class="ok">${both('请回到对话中使用新密码登录。此链接已失效。', 'Return to the chat and log in with your new password. This link no longer works.')}</div>`,
    frame,
    true,
  );
}

export function renderResetInvalid(frame: ResetPageFrame = {}): string {
  return resetPage(
    '链接无效 · Link not valid',
    `<h1>链接无效或已过期</h1>
<p class="en" lang="en">This link is not valid</p>
<div class="error">${both(
      '重置链接只能使用一次，30 分钟内有效，修改密码后失效。请回到对话中重新点击【忘记密码】。',
      'A reset link works once, for 30 minutes, and stops working after a password change. Go back to the chat and choose “Forgot password” again.',
    )}</div>`,
    frame,
    true,
  );
}

export function renderResetForbidden(frame: ResetPageFrame = {}): string {
  return resetPage(
    '页面已失效 · Form expired',
    `<h1>页面已失效</h1>
<p class="en" lang="en">This form has expired</p>
<div class="error">${both(
      '为了您的账户安全，请重新打开邮件中的链接后再提交。密码没有修改。',
      'For your safety, open the link in the e-mail again and resubmit. Your password was not changed.',
    )}</div>`,
    frame,
  );
}

function sameToken(a: string, b: string): boolean {
  if (!CSRF_PATTERN.test(a) || !CSRF_PATTERN.test(b)) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export function mountResetPasswordRoutes<E extends Env, S extends Schema, P extends string>(app: Hono<E, S, P>, deps: ResetPasswordPageDeps): void {
  const base = deps.publicBaseUrl.replace(/\/+$/, '');
  const action = `${base}/reset-password`;
  const secure = base.startsWith('https://');
  // `__Host-` binds the cookie to this exact host (no Domain, Path=/, Secure), so a sibling
  // subdomain cannot plant one; plain HTTP (development) cannot use the prefix.
  const cookieName = secure ? '__Host-feebot_reset_csrf' : 'feebot_reset_csrf';
  const cookieOptions = { path: '/', secure, httpOnly: true, sameSite: 'Strict' as const };
  const csp = `default-src 'none'; style-src ${simplePageStyleHash(RETURN_LINKS_STYLE)}; form-action 'self' ${new URL(base).origin}; frame-ancestors 'none'; base-uri 'none'`;

  const frame = (): ResetPageFrame => ({ ...(deps.universityName ? { universityName: deps.universityName } : {}), links: deps.returnLinks?.() ?? [] });

  const protect = (c: Pick<Context, 'header'>): void => {
    for (const [name, value] of Object.entries(PRIVATE_PAGE_HEADERS)) c.header(name, value);
    c.header('Content-Security-Policy', csp);
  };

  app.get('/reset-password', async (c) => {
    protect(c);
    const token = c.req.query('token') ?? '';
    const found = await deps.resets.inspect(token);
    if (!found.ok) return c.html(renderResetInvalid(frame()), 410);
    // Reuse a form token already set, so two open tabs do not invalidate each other.
    const existing = getCookie(c, cookieName) ?? '';
    const csrf = CSRF_PATTERN.test(existing) ? existing : randomBytes(32).toString('base64url');
    setCookie(c, cookieName, csrf, { ...cookieOptions, maxAge: 60 * 60 });
    return c.html(renderResetForm({ action, token, csrf, studentId: found.studentId }, frame()));
  });

  setBodyLimit(app, '/reset-password', MAX_BODY_BYTES);
  app.post(
    '/reset-password',
    async (c) => {
      protect(c);
      let body: Record<string, unknown>;
      try {
        body = await c.req.parseBody();
      } catch {
        return c.html(renderResetForbidden(frame()), 400);
      }
      const field = (name: string): string => {
        const value = body[name];
        return typeof value === 'string' ? value : '';
      };
      const csrf = field('csrf');
      if (!sameToken(csrf, getCookie(c, cookieName) ?? '')) {
        deps.logger?.warn({ path: '/reset-password' }, 'reset form refused: CSRF token missing or mismatched');
        return c.html(renderResetForbidden(frame()), 403);
      }
      const token = field('token');
      const result = await deps.resets.consume(token, field('password'), field('confirm'));
      if (result.ok) {
        deleteCookie(c, cookieName, cookieOptions);
        return c.html(renderResetSuccess(frame()));
      }
      if (result.problem === 'invalidToken') return c.html(renderResetInvalid(frame()), 410);
      const found = await deps.resets.inspect(token);
      if (!found.ok) return c.html(renderResetInvalid(frame()), 410);
      return c.html(renderResetForm({ action, token, csrf, studentId: found.studentId, problem: result.problem }, frame()), 400);
    },
  );
}
