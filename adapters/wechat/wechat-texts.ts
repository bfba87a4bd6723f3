import type { Lang } from '../../src/engine/state.js';

// The few strings the WeChat adapter shows itself (everything else comes from engine views).

interface WechatTexts {
  /** One numbered option: "回复 1 网上缴费". */
  option(n: number, label: string): string;
  /** Shown instead of a password prompt while the chat is not bound. */
  bindPrompt(minutes: number): string;
  bindLink: string;
  /** Shown instead of a password prompt in a bound chat (修改密码). */
  passwordElsewhere: string;
  webLink: string;
  /** A password was typed into the chat anyway: not used, not echoed. */
  noPasswordHere: string;
  /** Pictures, voice, locations… */
  textOnly: string;
  templateTitle: { paymentConfirmed: string; orderExpired: string; reminder: string };
}

export const WECHAT_TEXTS: Record<Lang, WechatTexts> = {
  'zh-CN': {
    option: (n, label) => `回复 ${n} ${label}`,
    bindPrompt: (minutes) => `为保护您的密码，请不要在微信聊天中输入密码。请点击下方链接，在网页中输入学号和密码完成绑定（链接${minutes}分钟内有效）。`,
    bindLink: '绑定学号',
    passwordElsewhere: '为保护您的密码，请不要在微信聊天中输入密码。修改密码请在网页版中进行：',
    webLink: '打开网页版',
    noPasswordHere: '请不要在微信中发送密码（微信聊天记录无法撤回），您发送的内容未被使用。请通过下方链接操作：',
    textOnly: '暂时只支持文字消息。请回复菜单中的序号，或使用底部菜单。',
    templateTitle: { paymentConfirmed: '网上缴费成功', orderExpired: '缴费订单已过期', reminder: '缴费提醒：您有费用尚未缴清' },
  },
  en: {
    option: (n, label) => `Reply ${n}: ${label}`,
    bindPrompt: (minutes) => `To protect your password, never type it into the WeChat chat. Open the link below and enter your student ID and password there to bind this account (the link is valid for ${minutes} minutes).`,
    bindLink: 'Bind student ID',
    passwordElsewhere: 'To protect your password, never type it into the WeChat chat. Change your password in the web version:',
    webLink: 'Open the web version',
    noPasswordHere: 'Please do not send passwords in WeChat (the chat history cannot be deleted); what you sent was not used. Use the link below instead:',
    textOnly: 'Only text messages are supported. Reply with an option number or use the menu below.',
    templateTitle: { paymentConfirmed: 'Fee payment successful', orderExpired: 'Payment order expired', reminder: 'Fee reminder: unpaid fees' },
  },
};
