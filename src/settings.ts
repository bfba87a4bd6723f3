import type { z } from 'zod';

/**
 * Parses settings (environment variables or options) with a zod schema. A bad value stops feebot
 * with one readable line naming every problem; values are never echoed (they may hold secrets).
 */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`Invalid ${what}: ${problems}`);
}
