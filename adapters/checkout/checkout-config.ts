import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

export interface CheckoutConfig {
  /** Signs checkout links, so an order id alone does not open the page. */
  secret: string;
  /** CHECKOUT_UNIVERSITY_NAME, kept for older configurations; UNIVERSITY_NAME otherwise. */
  universityName: string | undefined;
}

const schema = z.object({
  CHECKOUT_SECRET: z.string().min(16, 'must be at least 16 characters (it signs the checkout links)'),
  CHECKOUT_UNIVERSITY_NAME: z.string().min(1).max(60).optional(),
});

export function loadCheckoutConfig(env: Record<string, string | undefined>): CheckoutConfig {
  const c = parseSettings(schema, env, 'checkout configuration');
  return { secret: c.CHECKOUT_SECRET, universityName: c.CHECKOUT_UNIVERSITY_NAME };
}
