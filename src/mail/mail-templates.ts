import { formatDateTime } from '../display-time.js';
import type { Lang } from '../engine/state.js';

// The three account mails, in zh-CN and English, as plain text plus HTML. Every value is
// HTML-escaped in the HTML part; links are built by the caller from the public base URL.

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const SIGNATURE = {
  'zh-CN': 'feebot 网上缴费助手（系统邮件，请勿回复）',
  en: 'feebot fee-payment assistant (automatic message, please do not reply)',
} as const;

function html(lang: Lang, title: string, paragraphs: string[]): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;line-height:1.6;max-width:560px;margin:0 auto;padding:16px">
${paragraphs.join('\n')}
<p style="color:#888;font-size:.85em">— ${escapeHtml(SIGNATURE[lang])}</p>
</body>
</html>
`;
}

const p = (text: string): string => `<p>${escapeHtml(text)}</p>`;

export interface ResetMailValues {
  name: string;
  studentId: string;
  link: string;
  ttlMinutes: number;
}

export function resetPasswordMail(lang: Lang, v: ResetMailValues): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: 'feebot: reset your online payment password',
          greeting: `Dear ${v.name},`,
          intro: `We received a request to reset the online payment password of student ID ${v.studentId}. Open the link below within ${v.ttlMinutes} minutes to set a new password. The link works only once.`,
          button: 'Set a new password',
          ignore: 'If you did not ask for this, ignore this e-mail: your password stays unchanged.',
        }
      : {
          subject: '【feebot】重置网上缴费密码',
          greeting: `${v.name} 同学，您好：`,
          intro: `我们收到了为学号 ${v.studentId} 重置网上缴费密码的请求。请在 ${v.ttlMinutes} 分钟内打开下面的链接设置新密码，链接只能使用一次。`,
          button: '设置新密码',
          ignore: '如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n${v.link}\n\n${t.ignore}\n\n— ${SIGNATURE[lang]}\n`;
  const button = `<p><a href="${escapeHtml(v.link)}" style="display:inline-block;background:#b22222;color:#fff;padding:10px 20px;border-radius:4px;text-decoration:none">${escapeHtml(t.button)}</a></p>
<p style="font-size:.85em;word-break:break-all">${escapeHtml(v.link)}</p>`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), button, p(t.ignore)]) };
}

export interface EmailCodeMailValues {
  name: string;
  studentId: string;
  code: string;
  ttlMinutes: number;
}

export function emailChangeCodeMail(lang: Lang, v: EmailCodeMailValues): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: 'feebot: your e-mail confirmation code',
          greeting: `Dear ${v.name},`,
          intro: `You are making this address the recovery e-mail of student ID ${v.studentId}. Your confirmation code is:`,
          how: `Enter it in the chat within ${v.ttlMinutes} minutes to finish the change.`,
          ignore: 'If you did not ask for this, ignore this e-mail: nothing will change.',
        }
      : {
          subject: '【feebot】密保邮箱验证码',
          greeting: `${v.name} 同学，您好：`,
          intro: `您正在将本邮箱设置为学号 ${v.studentId} 的密保邮箱。验证码为：`,
          how: `请在 ${v.ttlMinutes} 分钟内在对话中输入该验证码完成更改。`,
          ignore: '如果这不是您本人的操作，请忽略本邮件，不会有任何更改。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n    ${v.code}\n\n${t.how}\n\n${t.ignore}\n\n— ${SIGNATURE[lang]}\n`;
  const code = `<p style="font-size:1.8em;font-weight:bold;letter-spacing:.2em">${escapeHtml(v.code)}</p>`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), code, p(t.how), p(t.ignore)]) };
}

/** The code that proves a first login with a fixed initial password (same values as the e-mail code). */
export function loginCodeMail(lang: Lang, v: EmailCodeMailValues): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: 'feebot: your login code',
          greeting: `Dear ${v.name},`,
          intro: `Someone is logging in to student ID ${v.studentId} for the first time, with the initial password. If it is you, your code is:`,
          how: `Enter it in the chat within ${v.ttlMinutes} minutes; you will then set your own password.`,
          ignore: 'If this was not you, do not give this code to anyone: without it nobody can log in, and you may tell the finance office.',
        }
      : {
          subject: '【feebot】首次登录验证码',
          greeting: `${v.name} 同学，您好：`,
          intro: `有人正在使用初始密码首次登录学号 ${v.studentId}。如果是您本人，验证码为：`,
          how: `请在 ${v.ttlMinutes} 分钟内在对话中输入该验证码，然后设置您自己的密码。`,
          ignore: '如果这不是您本人的操作，请勿将验证码告诉任何人：没有它，他人无法登录。您也可以联系财务处。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n    ${v.code}\n\n${t.how}\n\n${t.ignore}\n\n— ${SIGNATURE[lang]}\n`;
  const code = `<p style="font-size:1.8em;font-weight:bold;letter-spacing:.2em">${escapeHtml(v.code)}</p>`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), code, p(t.how), p(t.ignore)]) };
}

export interface EmailChangedNoticeValues {
  name: string;
  studentId: string;
  /** Masked, e.g. `l***@example.edu.cn`. */
  newEmailMasked: string;
  /** Already formatted for display. */
  changedAt: string;
}

export function emailChangedNoticeMail(lang: Lang, v: EmailChangedNoticeValues): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: 'feebot: your recovery e-mail was changed',
          greeting: `Dear ${v.name},`,
          intro: `The recovery e-mail of student ID ${v.studentId} was changed to ${v.newEmailMasked} at ${v.changedAt}. This address will no longer receive password-reset e-mails.`,
          warn: 'If you did not make this change, change your password at once and contact the finance office.',
        }
      : {
          subject: '【feebot】密保邮箱已更改',
          greeting: `${v.name} 同学，您好：`,
          intro: `学号 ${v.studentId} 的密保邮箱已于 ${v.changedAt} 更改为 ${v.newEmailMasked}。本邮箱将不再接收密码重置邮件。`,
          warn: '如果这不是您本人的操作，请立即修改密码并联系学校财务处。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n${t.warn}\n\n— ${SIGNATURE[lang]}\n`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), `<p><strong>${escapeHtml(t.warn)}</strong></p>`]) };
}

/** `2025-09-01 16:00 (Asia/Shanghai)`, for mail bodies. */
export function formatMailTime(at: number, timezone: string): string {
  return `${formatDateTime(at, timezone)} (${timezone})`;
}
