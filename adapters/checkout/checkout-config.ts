import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

export interface CheckoutConfig {
  /** Signs checkout links, so an order id alone does not open the page. */
  secret: string;
  universityName: string;
}

const schema = z.object({
  CHECKOUT_SECRET: z.string().min(16, 'must be at least 16 characters (it signs the checkout links)'),
  CHECKOUT_UNIVERSITY_NAME: z.string().min(1).max(60).default('网上缴费'),
});

export function loadCheckoutConfig(env: Record<string, string | undefined>): CheckoutConfig {
  const c = parseSettings(schema, env, 'checkout configuration');
  return { secret: c.CHECKOUT_SECRET, universityName: c.CHECKOUT_UNIVERSITY_NAME };
}
