// npm run chaos -- [--kills N] [--students N] [--seed S]: see bench/chaos-harness.ts.
import { runChaos } from './chaos-harness.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const report = await runChaos({
  kills: arg('kills', 20),
  students: arg('students', 40),
  lifeMs: [arg('min-life', 300), arg('max-life', 2500)],
  seed: arg('seed', Date.now() % 1_000_000),
  log: (line) => console.log(line),
});
const { totals, violations, ...figures } = report;
console.log(JSON.stringify({ ...figures, totals, violations: violations.length }, null, 2));
for (const v of violations.slice(0, 50)) console.log(`VIOLATION ${v}`);
process.exit(violations.length === 0 ? 0 : 1);
