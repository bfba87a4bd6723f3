import { formatDateTime } from '../display-time.js';
import { DEMO_BRANDING, financeOfficeLine, type Branding } from '../branding.js';
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

/** Signed by the university's finance office, with how to reach a person (the mail itself is not read). */
export function mailSignature(lang: Lang, brand: Branding): string {
  return lang === 'en'
    ? `${brand.universityName.en} online fee payment (automatic message, please do not reply). Contact: ${financeOfficeLine(brand, 'en')}`
    : `${brand.universityName['zh-CN']} 网上缴费（系统邮件，请勿回复）。联系：${financeOfficeLine(brand, 'zh-CN')}`;
}

const subjectOf = (lang: Lang, brand: Branding, zh: string, en: string): string =>
  lang === 'en' ? `${brand.universityName.en}: ${en}` : `【${brand.universityName['zh-CN']}】${zh}`;

function html(lang: Lang, title: string, paragraphs: string[], brand: Branding): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;line-height:1.6;max-width:560px;margin:0 auto;padding:16px">
${paragraphs.join('\n')}
<p style="color:#888;font-size:.85em">— ${escapeHtml(mailSignature(lang, brand))}</p>
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

export function resetPasswordMail(lang: Lang, v: ResetMailValues, brand: Branding = DEMO_BRANDING): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: subjectOf(lang, brand, '重置网上缴费密码', 'reset your online payment password'),
          greeting: `Dear ${v.name},`,
          intro: `We received a request to reset the online payment password of student ID ${v.studentId}. Open the link below within ${v.ttlMinutes} minutes to set a new password. The link works only once.`,
          button: 'Set a new password',
          ignore: 'If you did not ask for this, ignore this e-mail: your password stays unchanged.',
        }
      : {
          subject: subjectOf(lang, brand, '重置网上缴费密码', 'reset your online payment password'),
          greeting: `${v.name} 同学，您好：`,
          intro: `我们收到了为学号 ${v.studentId} 重置网上缴费密码的请求。请在 ${v.ttlMinutes} 分钟内打开下面的链接设置新密码，链接只能使用一次。`,
          button: '设置新密码',
          ignore: '如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n${v.link}\n\n${t.ignore}\n\n— ${mailSignature(lang, brand)}\n`;
  const button = `<p><a href="${escapeHtml(v.link)}" style="display:inline-block;background:#b22222;color:#fff;padding:10px 20px;border-radius:4px;text-decoration:none">${escapeHtml(t.button)}</a></p>
<p style="font-size:.85em;word-break:break-all">${escapeHtml(v.link)}</p>`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), button, p(t.ignore)], brand) };
}

export interface EmailCodeMailValues {
  name: string;
  studentId: string;
  code: string;
  ttlMinutes: number;
}

export function emailChangeCodeMail(lang: Lang, v: EmailCodeMailValues, brand: Branding = DEMO_BRANDING): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: subjectOf(lang, brand, '密保邮箱验证码', 'your e-mail confirmation code'),
          greeting: `Dear ${v.name},`,
          intro: `You are making this address the recovery e-mail of student ID ${v.studentId}. Your confirmation code is:`,
          how: `Enter it in the chat within ${v.ttlMinutes} minutes to finish the change.`,
          ignore: 'If you did not ask for this, ignore this e-mail: nothing will change.',
        }
      : {
          subject: subjectOf(lang, brand, '密保邮箱验证码', 'your e-mail confirmation code'),
          greeting: `${v.name} 同学，您好：`,
          intro: `您正在将本邮箱设置为学号 ${v.studentId} 的密保邮箱。验证码为：`,
          how: `请在 ${v.ttlMinutes} 分钟内在对话中输入该验证码完成更改。`,
          ignore: '如果这不是您本人的操作，请忽略本邮件，不会有任何更改。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n    ${v.code}\n\n${t.how}\n\n${t.ignore}\n\n— ${mailSignature(lang, brand)}\n`;
  const code = `<p style="font-size:1.8em;font-weight:bold;letter-spacing:.2em">${escapeHtml(v.code)}</p>`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), code, p(t.how), p(t.ignore)], brand) };
}

/** The code that proves a first login with a fixed initial password (same values as the e-mail code). */
export function loginCodeMail(lang: Lang, v: EmailCodeMailValues, brand: Branding = DEMO_BRANDING): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: subjectOf(lang, brand, '首次登录验证码', 'your login code'),
          greeting: `Dear ${v.name},`,
          intro: `Someone is logging in to student ID ${v.studentId} for the first time, with the initial password. If it is you, your code is:`,
          how: `Enter it in the chat within ${v.ttlMinutes} minutes; you will then set your own password.`,
          ignore: 'If this was not you, do not give this code to anyone: without it nobody can log in, and you may tell the finance office.',
        }
      : {
          subject: subjectOf(lang, brand, '首次登录验证码', 'your login code'),
          greeting: `${v.name} 同学，您好：`,
          intro: `有人正在使用初始密码首次登录学号 ${v.studentId}。如果是您本人，验证码为：`,
          how: `请在 ${v.ttlMinutes} 分钟内在对话中输入该验证码，然后设置您自己的密码。`,
          ignore: '如果这不是您本人的操作，请勿将验证码告诉任何人：没有它，他人无法登录。您也可以联系财务处。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n    ${v.code}\n\n${t.how}\n\n${t.ignore}\n\n— ${mailSignature(lang, brand)}\n`;
  const code = `<p style="font-size:1.8em;font-weight:bold;letter-spacing:.2em">${escapeHtml(v.code)}</p>`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), code, p(t.how), p(t.ignore)], brand) };
}

export interface EmailChangedNoticeValues {
  name: string;
  studentId: string;
  /** Masked, e.g. `l***@example.edu.cn`. */
  newEmailMasked: string;
  /** Already formatted for display. */
  changedAt: string;
}

export function emailChangedNoticeMail(lang: Lang, v: EmailChangedNoticeValues, brand: Branding = DEMO_BRANDING): RenderedMail {
  const t =
    lang === 'en'
      ? {
          subject: subjectOf(lang, brand, '密保邮箱已更改', 'your recovery e-mail was changed'),
          greeting: `Dear ${v.name},`,
          intro: `The recovery e-mail of student ID ${v.studentId} was changed to ${v.newEmailMasked} at ${v.changedAt}. This address will no longer receive password-reset e-mails.`,
          warn: 'If you did not make this change, change your password at once and contact the finance office.',
        }
      : {
          subject: subjectOf(lang, brand, '密保邮箱已更改', 'your recovery e-mail was changed'),
          greeting: `${v.name} 同学，您好：`,
          intro: `学号 ${v.studentId} 的密保邮箱已于 ${v.changedAt} 更改为 ${v.newEmailMasked}。本邮箱将不再接收密码重置邮件。`,
          warn: '如果这不是您本人的操作，请立即修改密码并联系学校财务处。',
        };
  const text = `${t.greeting}\n\n${t.intro}\n\n${t.warn}\n\n— ${mailSignature(lang, brand)}\n`;
  return { subject: t.subject, text, html: html(lang, t.subject, [p(t.greeting), p(t.intro), `<p><strong>${escapeHtml(t.warn)}</strong></p>`], brand) };
}

/** `2025-09-01 16:00 (Asia/Shanghai)`, for mail bodies. */
export function formatMailTime(at: number, timezone: string): string {
  return `${formatDateTime(at, timezone)} (${timezone})`;
}
