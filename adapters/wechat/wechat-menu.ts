import type { MenuButton } from './wechat-api.js';

// The custom menu (≤ 3 top-level buttons of ≤ 4 Chinese characters, ≤ 5 below each) and what
// each CLICK key means: the engine's text commands, sent in their slash form so that they count
// as commands in any step.

export const CLICK_COMMANDS: Readonly<Record<string, string>> = {
  FEEBOT_PAY: '/pay',
  FEEBOT_HOME: '/menu',
  FEEBOT_HISTORY: '/history',
  FEEBOT_SETTINGS: '/settings',
  FEEBOT_HELP: '/help',
  FEEBOT_LANG: '/lang',
  FEEBOT_LOGOUT: '/logout',
};

export const WECHAT_MENU: MenuButton[] = [
  { type: 'click', name: '网上缴费', key: 'FEEBOT_PAY' },
  {
    name: '缴费查询',
    sub_button: [
      { type: 'click', name: '欠费总额', key: 'FEEBOT_HOME' },
      { type: 'click', name: '缴费历史', key: 'FEEBOT_HISTORY' },
    ],
  },
  {
    name: '我的',
    sub_button: [
      // 修改密码 and 修改邮箱 are in 设置 (修改密码 opens the web version: no passwords in WeChat).
      { type: 'click', name: '设置（密码/邮箱）', key: 'FEEBOT_SETTINGS' },
      { type: 'click', name: '帮助', key: 'FEEBOT_HELP' },
      { type: 'click', name: 'English', key: 'FEEBOT_LANG' },
      { type: 'click', name: '退出（解绑）', key: 'FEEBOT_LOGOUT' },
    ],
  },
];
