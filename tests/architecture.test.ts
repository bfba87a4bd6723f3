import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The shape the README promises, checked on the sources: no import cycles at run time (a cycle makes
// the load order decide what is undefined), SQL only in src/db, and a pure engine.

const ROOT = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Relative imports that exist at run time: not `import type`, not `import()` (loaded later, on demand). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'(\.[^']+)'/gm)) {
    out.push(relative(ROOT, resolve(ROOT, dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
  }
  return out;
}

function findCycle(files: string[]): string[] | null {
  const graph = new Map(files.map((f) => [f, runtimeImports(f).filter((t) => files.includes(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...path.slice(path.indexOf(f)), f];
    state.set(f, 'open');
    path.push(f);
    for (const t of graph.get(f) ?? []) {
      const cycle = visit(t);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

describe('architecture', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('adapters')];

  it('has no import cycle at run time', () => {
    expect(findCycle(files)).toBeNull();
  });

  it('reads value imports and leaves type-only ones out (the check itself works)', () => {
    expect(runtimeImports('src/engine/step-dispatch.ts')).toContain('src/engine/steps/login.step.ts');
    // `import type { … } from './engine-env.js'` only: erased at build time, so no edge.
    expect(readFileSync(join(ROOT, 'src/engine/step-dispatch.ts'), 'utf8')).toMatch(/^import type .* from '\.\/engine-env\.js'/m);
    expect(runtimeImports('src/engine/step-dispatch.ts')).not.toContain('src/engine/engine-env.ts');
  });

  it('writes SQL only in src/db', () => {
    const outside = files.filter((f) => !f.startsWith('src/db/')).filter((f) => /\b(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('keeps the engine pure: no packages, no Node built-ins, nothing outside src/engine but pure helpers', () => {
    const PURE_HELPERS = new Set(['src/errors.ts', 'src/money.ts', 'src/display-time.ts']);
    const engine = files.filter((f) => f.startsWith('src/engine/'));
    const bad: string[] = [];
    for (const f of engine) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'([^.][^']*)'/gm)) bad.push(`${f} → ${m[1]}`);
      for (const t of runtimeImports(f)) if (!t.startsWith('src/engine/') && !PURE_HELPERS.has(t)) bad.push(`${f} → ${t}`);
    }
    expect(bad).toEqual([]);
  });
});
