import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

export const DEFAULT_WECHAT_PATH = '/webhooks/wechat';
export const DEFAULT_WECHAT_API_ROOT = 'https://api.weixin.qq.com';
export const DEFAULT_WECHAT_OAUTH_ROOT = 'https://open.weixin.qq.com';

/** Where a template field's value comes from (see README "WeChat Official Account"). */
export const TEMPLATE_SOURCES = ['title', 'orderId', 'amount', 'receiptNo', 'time', 'studentId', 'items', 'dueDate'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

export interface TemplateConfig {
  templateId: string;
  /** Template data key (e.g. `thing1`) → what to put in it. */
  fields: Record<string, TemplateSource>;
}

export interface WechatConfig {
  appId: string;
  appSecret: string;
  /** The server-configuration Token (URL verification and signatures). */
  token: string;
  /** Set for compatible and safe mode; without it only plaintext mode works. */
  encodingAesKey: string | null;
  apiRoot: string;
  /** Where the OA's web authorisation page lives (WeChat Pay JSAPI gets the payer's openid there). */
  oauthRoot: string;
  /** Path WeChat posts to (the server URL's path). */
  path: string;
  /** How long a request waits for the engine's answer before answering `success` (WeChat gives up at 5 s). */
  replyBudgetMs: number;
  /** Customer-service messages are allowed this long after the follower's last message (48 h). */
  serviceWindowMs: number;
  bindTtlMs: number;
  /** Create the custom menu at start. */
  createMenu: boolean;
  timezone: string;
  /** `reminder`: scheduled reminders (催缴) outside the window; unset, they are recorded as not delivered. */
  templates: { paymentConfirmed: TemplateConfig | null; orderExpired: TemplateConfig | null; reminder: TemplateConfig | null };
}

const FIELDS_PATTERN = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*[A-Za-z]+\s*(,\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*[A-Za-z]+\s*)*$/;

const schema = z.object({
  WECHAT_APP_ID: z.string().trim().min(1).optional(),
  WECHAT_APP_SECRET: z.string().trim().min(1).optional(),
  WECHAT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3-32 letters or digits (what the WeChat console accepts)')
    .optional(),
  WECHAT_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43 letters and digits from the WeChat console').optional(),
  WECHAT_API_ROOT: z.string().url().default(DEFAULT_WECHAT_API_ROOT),
  WECHAT_OAUTH_ROOT: z.string().url().default(DEFAULT_WECHAT_OAUTH_ROOT),
  WECHAT_PATH: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /webhooks/wechat').default(DEFAULT_WECHAT_PATH),
  WECHAT_REPLY_BUDGET_MS: z.coerce.number().int().min(0).max(4_500).default(3_500),
  WECHAT_SERVICE_WINDOW_HOURS: z.coerce.number().positive().max(48).default(48),
  WECHAT_BIND_TTL_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
  WECHAT_CREATE_MENU: z.enum(['true', 'false']).default('true'),
  WECHAT_TEMPLATE_PAYMENT_ID: z.string().trim().min(1).optional(),
  WECHAT_TEMPLATE_PAYMENT_FIELDS: z.string().regex(FIELDS_PATTERN, 'must be key=source pairs, e.g. thing1=title,amount2=amount').default('thing1=title,character_string2=orderId,amount3=amount,time4=time'),
  WECHAT_TEMPLATE_EXPIRED_ID: z.string().trim().min(1).optional(),
  WECHAT_TEMPLATE_EXPIRED_FIELDS: z.string().regex(FIELDS_PATTERN, 'must be key=source pairs, e.g. thing1=title,character_string2=orderId').default('thing1=title,character_string2=orderId,time3=time'),
  WECHAT_REMINDER_TEMPLATE_ID: z.string().trim().min(1).optional(),
  WECHAT_REMINDER_TEMPLATE_FIELDS: z.string().regex(FIELDS_PATTERN, 'must be key=source pairs, e.g. thing1=items,amount2=amount').default('thing1=title,character_string2=studentId,thing3=items,amount4=amount,time5=dueDate'),
  TIMEZONE: z.string().default('Asia/Shanghai'),
});

/**
 * Reads the WECHAT_* variables. Returns null when WECHAT_APP_ID is unset (channel off); throws a
 * readable Error when the channel is on but misconfigured.
 */
export function loadWechatConfig(env: Record<string, string | undefined> = process.env): WechatConfig | null {
  // `KEY=` in a .env file means "unset", not "empty string".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const c = parseSettings(schema, cleaned, 'WeChat configuration');
  if (!c.WECHAT_APP_ID) return null;
  const missing = (['WECHAT_APP_SECRET', 'WECHAT_TOKEN'] as const).filter((k) => !c[k]);
  if (missing.length > 0) throw new Error(`Invalid WeChat configuration: ${missing.join(', ')} required when WECHAT_APP_ID is set`);
  return {
    appId: c.WECHAT_APP_ID,
    appSecret: c.WECHAT_APP_SECRET as string,
    token: c.WECHAT_TOKEN as string,
    encodingAesKey: c.WECHAT_ENCODING_AES_KEY ?? null,
    apiRoot: c.WECHAT_API_ROOT.replace(/\/+$/, ''),
    oauthRoot: c.WECHAT_OAUTH_ROOT.replace(/\/+$/, ''),
    path: c.WECHAT_PATH,
    replyBudgetMs: c.WECHAT_REPLY_BUDGET_MS,
    serviceWindowMs: c.WECHAT_SERVICE_WINDOW_HOURS * 3_600_000,
    bindTtlMs: c.WECHAT_BIND_TTL_MINUTES * 60_000,
    createMenu: c.WECHAT_CREATE_MENU === 'true',
    timezone: c.TIMEZONE,
    templates: {
      paymentConfirmed: template(c.WECHAT_TEMPLATE_PAYMENT_ID, c.WECHAT_TEMPLATE_PAYMENT_FIELDS, 'WECHAT_TEMPLATE_PAYMENT_FIELDS'),
      orderExpired: template(c.WECHAT_TEMPLATE_EXPIRED_ID, c.WECHAT_TEMPLATE_EXPIRED_FIELDS, 'WECHAT_TEMPLATE_EXPIRED_FIELDS'),
      reminder: template(c.WECHAT_REMINDER_TEMPLATE_ID, c.WECHAT_REMINDER_TEMPLATE_FIELDS, 'WECHAT_REMINDER_TEMPLATE_FIELDS'),
    },
  };
}

function template(id: string | undefined, fields: string, name: string): TemplateConfig | null {
  if (!id) return null;
  const mapping: Record<string, TemplateSource> = {};
  for (const pair of fields.split(',')) {
    const [key = '', source = ''] = pair.split('=').map((s) => s.trim());
    if (!(TEMPLATE_SOURCES as readonly string[]).includes(source)) {
      throw new Error(`Invalid WeChat configuration: ${name}: unknown source "${source}" (one of ${TEMPLATE_SOURCES.join(', ')})`);
    }
    mapping[key] = source as TemplateSource;
  }
  return { templateId: id, fields: mapping };
}
