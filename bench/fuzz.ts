// npm run fuzz -- [--events N] [--seed S] [--seeds K]: the engine fuzzer (tests/engine/engine-fuzz.ts)
// for longer walks than CI's fixed seeds. Exits 1 on any throw, unanswered event or violation.
import { fuzzEngine } from '../tests/engine/engine-fuzz.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const events = arg('events', 200_000);
const first = arg('seed', Date.now() % 1_000_000);
const seeds = arg('seeds', 5);
let failed = 0;
const started = Date.now();
for (let seed = first; seed < first + seeds; seed++) {
  const r = fuzzEngine(seed, events);
  const bad = r.throws.length + r.unanswered.length + r.violations.length;
  failed += bad;
  console.log(`seed ${seed}: ${r.events} events, ${r.stepsSeen} steps reached, throws ${r.throws.length}, unanswered ${r.unanswered.length}, violations ${r.violations.length}`);
  for (const line of [...r.throws, ...r.unanswered, ...r.violations].slice(0, 10)) console.log(`  ${line}`);
}
console.log(`${seeds} seeds × ${events} events in ${((Date.now() - started) / 1000).toFixed(1)} s: ${failed === 0 ? 'no failures' : `${failed} failures`}`);
process.exit(failed === 0 ? 0 : 1);
