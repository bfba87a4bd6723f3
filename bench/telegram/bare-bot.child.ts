// The bare bot of the side-by-side benchmark: Telegraf 4.16 in webhook mode with a
// one-row-per-chat SQLite session, answering the same commands and buttons as feebot's first
// screens (a menu per /start, a language switch that edits it). Kept small on purpose.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Markup, session, Telegraf, type Context } from 'telegraf';
import { serveParent } from './child-protocol.js';

interface Session {
  lang: 'zh' | 'en';
  seen: number;
}
type Ctx = Context & { session: Session };

const dir = mkdtempSync(join(tmpdir(), 'bare-bot-'));
const sqlite = new SQLite(join(dir, 'sessions.db'));
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
sqlite.exec('create table if not exists sessions (key text primary key, session text not null)');
const read = sqlite.prepare<[string], { session: string }>('select session from sessions where key = ?');
const write = sqlite.prepare('insert into sessions (key, session) values (?, ?) on conflict (key) do update set session = excluded.session');
const remove = sqlite.prepare('delete from sessions where key = ?');
const store = {
  get: (key: string) => {
    const row = read.get(key);
    return row ? (JSON.parse(row.session) as Session) : undefined;
  },
  set: (key: string, value: Session) => void write.run(key, JSON.stringify(value)),
  delete: (key: string) => void remove.run(key),
};

const texts = {
  zh: { menu: '欢迎使用缴费助手。请输入学号登录，或选择语言。', other: 'English', help: '发送 /start 打开菜单。' },
  en: { menu: 'Welcome to the fee assistant. Enter your student ID to log in, or choose a language.', other: '中文', help: 'Send /start to open the menu.' },
};
const keyboard = (lang: Session['lang']) => Markup.inlineKeyboard([[Markup.button.callback(texts[lang].other, `lang:${lang === 'zh' ? 'en' : 'zh'}`)], [Markup.button.callback('?', 'help')]]);

const bot = new Telegraf<Ctx>(process.env.BOT_TOKEN!, { telegram: { apiRoot: process.env.API_ROOT!, webhookReply: false } });
bot.use(session({ store, defaultSession: (): Session => ({ lang: 'zh', seen: 0 }) }));
bot.use(async (ctx, next) => {
  ctx.session.seen++;
  await next();
});
bot.start((ctx) => ctx.reply(texts[ctx.session.lang].menu, keyboard(ctx.session.lang)));
bot.help((ctx) => ctx.reply(texts[ctx.session.lang].help));
bot.action(/^lang:(zh|en)$/, async (ctx) => {
  ctx.session.lang = ctx.match[1] as Session['lang'];
  await ctx.answerCbQuery();
  await ctx.editMessageText(texts[ctx.session.lang].menu, keyboard(ctx.session.lang));
});

bot.catch((error) => console.error('bare bot:', error));
const secret = 'bench_bare_secret';
const path = '/webhooks/telegram';
const server = createServer(await bot.createWebhook({ domain: 'http://127.0.0.1', path, secret_token: secret }));
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
serveParent({ type: 'ready', webhookUrl: `http://127.0.0.1:${port}${path}`, secret }, async () => {
  server.close();
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});
