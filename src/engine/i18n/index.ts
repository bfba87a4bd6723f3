import type { Lang } from '../state.js';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

export type MessageKey = keyof typeof zhCN;
export type Catalog = { readonly [K in MessageKey]: string };

/** Parameter names of a template literal: `'a {x} b {y}'` → `'x' | 'y'`. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

export type MessageParams<K extends MessageKey> = Record<Placeholders<(typeof zhCN)[K]>, string | number>;

/** No argument for messages without parameters; exactly their parameters otherwise. */
export type MessageArgs<K extends MessageKey> = [Placeholders<(typeof zhCN)[K]>] extends [never] ? [] : [params: MessageParams<K>];

/** Keys of messages that take no parameters. */
export type PlainMessageKey = { [K in MessageKey]: MessageArgs<K> extends [] ? K : never }[MessageKey];

export type Translator = <K extends MessageKey>(key: K, ...args: MessageArgs<K>) => string;

// Parameter checking needs literal types: a value typed plain `string` (e.g. built with `+`)
// would silently accept any parameters, so it is a compile error here.
type WideKeys = { [K in MessageKey]: string extends (typeof zhCN)[K] ? K : never }[MessageKey];
const _everyMessageIsLiteral: [WideKeys] extends [never] ? true : false = true;

export const CATALOGS: { readonly [L in Lang]: Catalog } = { 'zh-CN': zhCN, en };

export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** Replaces `{name}` with `params.name`; unknown placeholders are left as they are. */
export function interpolate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The `{name}` parameters a template uses, sorted and deduplicated. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))].sort();
}

export function translate<K extends MessageKey>(lang: Lang, key: K, ...args: MessageArgs<K>): string {
  const template = CATALOGS[lang][key];
  const params = args[0] as Readonly<Record<string, string | number>> | undefined;
  return params ? interpolate(template, params) : template;
}

export function createTranslator(lang: Lang): Translator {
  return (key, ...args) => translate(lang, key, ...args);
}

export function otherLang(lang: Lang): Lang {
  return lang === 'zh-CN' ? 'en' : 'zh-CN';
}
