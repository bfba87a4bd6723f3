import { formatMoney, type Fen } from '../../money.js';
import { encodeAction, type ActionOp } from '../action-codec.js';
import type { Effect } from '../effects.js';
import type { EngineEnv } from '../engine-env.js';
import type { FeeItemFacts } from '../facts.js';
import { createTranslator, type Translator } from '../i18n/index.js';
import type { ConversationState } from '../state.js';
import type { Button, ImageSpec } from '../views.js';

/** What a menu builder returns; present.ts turns it into a `menu` view and records its codes. */
export interface MenuSpec {
  text: string;
  buttons: Button[][];
  input?: 'text' | 'password';
  image?: ImageSpec;
  /** See View.keepsImage. */
  keepsImage?: boolean;
  /** A progress notice: its outcome takes its place (see View.progress). */
  progress?: boolean;
  /** Extra effects that belong to showing this menu (the agreement's unlock timer). */
  effects?: Effect[];
}

/** Helpers shared by the menu builders, bound to one state, environment and menu revision. */
export interface MenuKit {
  readonly state: ConversationState;
  readonly env: EngineEnv;
  readonly rev: number;
  readonly t: Translator;
  /** A picture supplied with this drawing (a captcha); it is not kept in the state. */
  readonly image: ImageSpec | undefined;
  /** A button carrying an action code for this menu's revision. */
  btn(label: string, op: ActionOp, arg?: string | number, disabled?: boolean): Button;
  link(label: string, url: string): Button;
  money(fen: Fen): string;
  /** `2025-2026 学费`; `项目 #7` for an item no longer in the facts. */
  itemLabel(itemId: number): string;
  item(itemId: number): FeeItemFacts | undefined;
}

export function createMenuKit(state: ConversationState, env: EngineEnv, rev: number, image?: ImageSpec): MenuKit {
  const t = createTranslator(state.lang);
  const item = (itemId: number): FeeItemFacts | undefined => env.facts.items.find((i) => i.id === itemId);
  return {
    state,
    env,
    rev,
    t,
    image,
    btn(label, op, arg = '', disabled = false) {
      const code = encodeAction({ op, arg: String(arg), rev });
      return disabled ? { label, code, disabled: true } : { label, code };
    },
    link: (label, url) => ({ label, url }),
    money: formatMoney,
    itemLabel(itemId) {
      const found = item(itemId);
      return found ? t('item.label', { period: found.feePeriod, name: found.name }) : t('item.unknown', { id: itemId });
    },
    item,
  };
}

/**
 * The action codes of a menu in reading order (rows, then columns). URL buttons carry no code and
 * are left out, so numbered replies ("2") count only code buttons; channels without buttons must
 * number them the same way (disabled buttons keep their number).
 */
export function menuCodesOf(buttons: readonly (readonly Button[])[]): string[] {
  return buttons.flat().flatMap((button) => ('code' in button ? [button.code] : []));
}

/** Splits buttons into rows of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < values.length; i += size) rows.push(values.slice(i, i + size));
  return rows;
}
