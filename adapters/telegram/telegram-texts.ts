import type { Lang } from '../../src/engine/state.js';

// The few strings the Telegram adapter shows itself (everything else comes from engine views).

export const BOT_COMMANDS = ['start', 'menu', 'pay', 'history', 'settings', 'logout', 'help', 'lang'] as const;
export type BotCommandName = (typeof BOT_COMMANDS)[number];

interface TelegramTexts {
  commands: Record<BotCommandName, string>;
  /** Shown in groups: personal data is handled only in a private chat. Short: also used as a ≤ 200-char alert. */
  privateOnly(botLink: string | null): string;
}

export const TELEGRAM_TEXTS: Record<Lang, TelegramTexts> = {
  'zh-CN': {
    commands: {
      start: '开始使用',
      menu: '主菜单',
      pay: '网上缴费',
      history: '缴费历史',
      settings: '设置（修改密码、密保邮箱）',
      logout: '退出登录',
      help: '帮助',
      lang: '切换语言 / Language',
    },
    privateOnly: (botLink) =>
      `为保护您的个人信息，缴费相关操作只在与机器人的私聊中进行，请勿在群组中发送学号或密码。${botLink ? `\n请点击进入私聊：${botLink}` : ''}`,
  },
  en: {
    commands: {
      start: 'Get started',
      menu: 'Main menu',
      pay: 'Pay online',
      history: 'Payment history',
      settings: 'Settings (password, recovery email)',
      logout: 'Log out',
      help: 'Help',
      lang: 'Language / 切换语言',
    },
    privateOnly: (botLink) =>
      `For your privacy, fees are handled only in a private chat with the bot. Please don't post your student ID or password in a group.${botLink ? `\nOpen a private chat: ${botLink}` : ''}`,
  },
};
