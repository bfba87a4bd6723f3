import type { EngineEnv } from './engine-env.js';
import { translate } from './i18n/index.js';
import type { Lang } from './state.js';

// The university and whom to contact, as the messages name them; plain words without a configured branding.

export function financeOffice(env: EngineEnv, lang: Lang): string {
  return env.config.branding?.financeOffice[lang] ?? translate(lang, 'contact.financeOffice');
}

export function universityName(env: EngineEnv, lang: Lang): string {
  return env.config.branding?.universityName[lang] ?? '';
}
