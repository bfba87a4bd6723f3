import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import type { Lang } from './engine/state.js';
import { parseSettings } from './settings.js';

// Whose money this is: the university's name and its finance office, shown wherever a student
// decides whether to trust what they see (page headers, mails, gateway pages, receipts, help).

export interface FinanceOffice {
  phone: string;
  email: string;
  hours: string;
  place: string;
}

export interface Logo {
  bytes: Buffer;
  contentType: string;
}

export interface Branding {
  universityName: Record<Lang, string>;
  financeOffice: FinanceOffice;
  /** Optional logo, read once at start (bounded by LOGO_MAX_BYTES) and served at LOGO_PATH. */
  logo: Logo | null;
  /** Where a WeChat user goes back to the Official Account (its profile or an article link). */
  wechatOaUrl: string | null;
}

export const LOGO_PATH = '/branding/logo';
export const LOGO_MAX_BYTES = 256 * 1024;
const LOGO_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.svg': 'image/svg+xml' };

/** The demo's university: obviously fictional, so a screenshot is never mistaken for a real one. */
export const DEMO_BRANDING: Branding = {
  universityName: { 'zh-CN': '示例大学', en: 'Demo University' },
  financeOffice: { phone: '010-0000-0000', email: 'finance@university.example', hours: '周一至周五 8:30–17:00', place: '行政楼 101 室' },
  logo: null,
  wechatOaUrl: null,
};

// Printable text only: these go into page titles, mail subjects and template fields.
const line = (max: number) => z.string().trim().min(1).max(max).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

const schema = z.object({
  UNIVERSITY_NAME: line(60).optional(),
  UNIVERSITY_NAME_EN: line(100).optional(),
  FINANCE_OFFICE_PHONE: z.string().trim().regex(/^[0-9+()\- ]{3,40}$/, 'must be a phone number (digits, spaces, + - ( ))').default(DEMO_BRANDING.financeOffice.phone),
  FINANCE_OFFICE_EMAIL: z.string().trim().email().max(200).default(DEMO_BRANDING.financeOffice.email),
  FINANCE_OFFICE_HOURS: line(80).default(DEMO_BRANDING.financeOffice.hours),
  FINANCE_OFFICE_PLACE: line(80).default(DEMO_BRANDING.financeOffice.place),
  UNIVERSITY_LOGO_FILE: z.string().trim().min(1).optional(),
  WECHAT_OA_URL: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
});

export function loadBranding(env: Record<string, string | undefined>): Branding {
  const c = parseSettings(schema, env, 'branding configuration');
  // Only the English name set → used for both; neither → the demo's fictional university.
  const zh = c.UNIVERSITY_NAME ?? c.UNIVERSITY_NAME_EN ?? DEMO_BRANDING.universityName['zh-CN'];
  const en = c.UNIVERSITY_NAME_EN ?? c.UNIVERSITY_NAME ?? DEMO_BRANDING.universityName.en;
  return {
    universityName: { 'zh-CN': zh, en },
    financeOffice: { phone: c.FINANCE_OFFICE_PHONE, email: c.FINANCE_OFFICE_EMAIL, hours: c.FINANCE_OFFICE_HOURS, place: c.FINANCE_OFFICE_PLACE },
    logo: c.UNIVERSITY_LOGO_FILE ? readLogo(c.UNIVERSITY_LOGO_FILE) : null,
    wechatOaUrl: c.WECHAT_OA_URL ?? null,
  };
}

function readLogo(file: string): Logo {
  const contentType = LOGO_TYPES[extname(file).toLowerCase()];
  if (!contentType) throw new Error(`Invalid branding configuration: UNIVERSITY_LOGO_FILE must be a .png, .jpg, .webp or .svg file`);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new Error(`Invalid branding configuration: UNIVERSITY_LOGO_FILE ${file} cannot be read`);
  }
  if (size === 0 || size > LOGO_MAX_BYTES) throw new Error(`Invalid branding configuration: UNIVERSITY_LOGO_FILE must be 1 byte to ${LOGO_MAX_BYTES / 1024} KiB (is ${size} bytes)`);
  return { bytes: readFileSync(file), contentType };
}

/** "财务处（电话 …；邮箱 …；…）": the one way every message names whom to contact. */
export function financeOfficeLine(b: Branding, lang: Lang): string {
  const f = b.financeOffice;
  return lang === 'en'
    ? `the Finance Office of ${b.universityName.en} (phone ${f.phone}; e-mail ${f.email}; ${f.hours}; ${f.place})`
    : `${b.universityName['zh-CN']}财务处（电话 ${f.phone}；邮箱 ${f.email}；办公时间 ${f.hours}；地点 ${f.place}）`;
}

export function financeOfficeLines(b: Branding): Record<Lang, string> {
  return { 'zh-CN': financeOfficeLine(b, 'zh-CN'), en: financeOfficeLine(b, 'en') };
}
