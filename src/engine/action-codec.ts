// Button payloads: `v1:<op>:<arg>:<rev base36>`, at most 64 bytes (Telegram's callback_data limit).
// The rev is the conversation's menuRev when the menu was drawn, so outdated buttons are recognised.

export const ACTION_OPS = [
  'home',
  'detail',
  'items',
  'tab',
  'period',
  'pay',
  'tog',
  'all',
  'inst',
  'next',
  'agree',
  'cancel',
  'confirm',
  'back',
  'paid',
  'problem',
  'close',
  'report',
  'pwd',
  'email',
  'logout',
  'lang',
  'settings',
  'captcha',
  'forgot',
  'send',
  'defer',
  'dismiss',
  'share',
  'remind',
] as const;

export type ActionOp = (typeof ACTION_OPS)[number];

export interface Action {
  op: ActionOp;
  /** `[A-Za-z0-9_.-]*`: an item id, a tab name, an index… */
  arg: string;
  rev: number;
}

export const MAX_ACTION_BYTES = 64;

const OP_SET: ReadonlySet<string> = new Set(ACTION_OPS);
const ARG_PATTERN = /^[A-Za-z0-9_.-]*$/;
// Canonical base36 (lower case, no leading zeros) so that decode∘encode is the identity.
const REV_PATTERN = /^(0|[1-9a-z][0-9a-z]{0,10})$/;

export function isActionOp(value: string): value is ActionOp {
  return OP_SET.has(value);
}

/** Encodes a button action; throws on a bad op/arg/rev or when the code would exceed 64 bytes. */
export function encodeAction(action: Action): string {
  if (!isActionOp(action.op)) throw new Error(`Unknown action op: ${String(action.op)}`);
  if (!ARG_PATTERN.test(action.arg)) throw new Error(`Action arg has forbidden characters: ${action.arg}`);
  if (!Number.isSafeInteger(action.rev) || action.rev < 0) throw new Error(`Bad action rev: ${action.rev}`);
  const code = `v1:${action.op}:${action.arg}:${action.rev.toString(36)}`;
  // Every character is ASCII by construction, so the string length is the UTF-8 byte length.
  if (code.length > MAX_ACTION_BYTES) throw new Error(`Action code longer than ${MAX_ACTION_BYTES} bytes: ${code}`);
  return code;
}

/** Strict decoding: anything that `encodeAction` could not have produced is null. */
export function decodeAction(code: string): Action | null {
  if (typeof code !== 'string' || code.length > MAX_ACTION_BYTES) return null;
  const parts = code.split(':');
  if (parts.length !== 4) return null;
  const [version, op, arg, rev] = parts as [string, string, string, string];
  if (version !== 'v1' || !isActionOp(op) || !ARG_PATTERN.test(arg) || !REV_PATTERN.test(rev)) return null;
  const revNumber = parseInt(rev, 36);
  if (!Number.isSafeInteger(revNumber)) return null;
  return { op, arg, rev: revNumber };
}

/** A non-negative integer arg (item ids, indexes); null when the arg is anything else. */
export function argToInt(arg: string): number | null {
  return /^(0|[1-9]\d{0,14})$/.test(arg) ? Number(arg) : null;
}
