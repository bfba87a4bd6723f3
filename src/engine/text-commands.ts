// Typed commands: case-insensitive, optional leading '/', English or Chinese.

export type TextCommand = 'menu' | 'pay' | 'history' | 'settings' | 'logout' | 'help' | 'lang' | 'start' | 'forgot';

const ALIASES: Readonly<Record<string, TextCommand>> = {
  menu: 'menu',
  home: 'menu',
  菜单: 'menu',
  主页: 'menu',
  pay: 'pay',
  缴费: 'pay',
  history: 'history',
  历史: 'history',
  settings: 'settings',
  设置: 'settings',
  logout: 'logout',
  退出: 'logout',
  help: 'help',
  帮助: 'help',
  lang: 'lang',
  language: 'lang',
  语言: 'lang',
  start: 'start',
  forgot: 'forgot',
  忘记密码: 'forgot',
};

export interface ParsedCommand {
  command: TextCommand;
  /** `/start pay`: the deep-link payload typed after start. */
  payload?: string;
}

/**
 * The command a text names, or null. Where the text may be a secret (a password prompt) only the
 * slash form counts, so a password such as `help` is not taken for a command.
 */
export function parseTextCommand(text: string, slashOnly: boolean): ParsedCommand | null {
  const trimmed = text.trim();
  const slashed = trimmed.startsWith('/');
  if (slashOnly && !slashed) return null;
  const [head = '', ...rest] = (slashed ? trimmed.slice(1) : trimmed).split(/\s+/);
  // Telegram appends the bot's name in groups: `/help@feebot`.
  const word = head.replace(/@\w+$/, '').toLowerCase();
  const command = Object.prototype.hasOwnProperty.call(ALIASES, word) ? ALIASES[word] : undefined;
  if (!command) return null;
  if (rest.length === 0) return { command };
  return command === 'start' && rest.length === 1 ? { command, payload: rest[0] as string } : null;
}

/** Commands that work without a session (and during a forced password change). */
export function isOpenCommand(command: TextCommand): boolean {
  return command === 'help' || command === 'lang' || command === 'start';
}
