import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// bin/feebot.js in a throw-away tree of its own: a "build" that prints DIST and "sources" that
// print SRC, so which one ran is plain on stdout.

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'feebot-bin-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(resolve('bin/feebot.js'), join(root, 'bin', 'feebot.js'));
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  mkdirSync(join(root, 'src', 'deep'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli.ts'), "const ran: string = 'SRC';\nconsole.log(ran);\n");
  writeFileSync(join(root, 'src', 'deep', 'part.ts'), 'export {};\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function build(stampAgeSeconds: number | null): void {
  mkdirSync(join(root, 'dist', 'src'), { recursive: true });
  writeFileSync(join(root, 'dist', 'src', 'cli.js'), "console.log('DIST');\n");
  if (stampAgeSeconds === null) return;
  const stamp = join(root, 'dist', '.build-stamp');
  writeFileSync(stamp, 'built\n');
  const at = Date.now() / 1000 - stampAgeSeconds;
  utimesSync(stamp, at, at);
}

function touchSource(ageSeconds: number): void {
  const at = Date.now() / 1000 - ageSeconds;
  utimesSync(join(root, 'src', 'deep', 'part.ts'), at, at);
  utimesSync(join(root, 'src', 'cli.ts'), at, at);
}

function run() {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'feebot.js')], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, out: result.stdout.trim(), err: result.stderr };
}

describe('bin/feebot.js: the build or the sources', () => {
  it('runs dist/ when its stamp is at least as new as every source file, silently', () => {
    touchSource(120);
    build(60);
    expect(run()).toEqual({ code: 0, out: 'DIST', err: '' });
  });

  it('runs the sources through tsx, with a one-line warning, when a source changed after the build', () => {
    build(120);
    touchSource(120);
    utimesSync(join(root, 'src', 'deep', 'part.ts'), Date.now() / 1000 - 10, Date.now() / 1000 - 10);
    const { code, out, err } = run();
    expect(out).toBe('SRC');
    expect(code).toBe(0);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/dist\/ is older than the sources.*npm run build/);
  });

  it('does not trust a build without a stamp (interrupted or older)', () => {
    touchSource(120);
    build(null);
    const { out, err } = run();
    expect(out).toBe('SRC');
    expect(err).toMatch(/no build stamp/);
  });

  it('runs the sources without a warning when there is no build, and dist/ alone when there are no sources', () => {
    expect(run()).toEqual({ code: 0, out: 'SRC', err: '' });
    build(3600);
    rmSync(join(root, 'src'), { recursive: true });
    expect(run()).toEqual({ code: 0, out: 'DIST', err: '' });
  });
});
