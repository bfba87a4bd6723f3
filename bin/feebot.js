#!/usr/bin/env -S node --max-semi-space-size=2
// The flag keeps V8's young generation at 2 MB per semi-space instead of growing to 16: ~18 MB less
// RSS idle and ~25 MB under load, no measurable CPU cost (README "Performance"). It applies when this
// file is executed (`npx feebot`, `./bin/feebot.js`); with `node bin/feebot.js` pass it to node.
// One process either way. After `npm run build` the compiled CLI in dist/ runs with plain node
// (production: less memory, no compiler at start); without a build, or when the sources changed
// after it, the TypeScript sources run through tsx's loader registered in this same process.
import { existsSync, readdirSync, statSync } from 'node:fs';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'cli.js');
// Written last by `npm run build`; a build without it (interrupted, or older) is not trusted.
const stamp = join(root, 'dist', '.build-stamp');
const SOURCE_DIRS = ['src', 'adapters', 'migrations'];

/** The newest modification time under the source folders (0 when they are absent: an install of dist/ only). */
function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return newest;
}

function buildIsCurrent() {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSourceMtime();
}

if (existsSync(built) && buildIsCurrent()) {
  await import(pathToFileURL(built).href);
} else {
  // A developer who edited the sources after a build must not silently run the old code.
  if (existsSync(built)) process.stderr.write('feebot: dist/ is older than the sources (or has no build stamp); running the sources through tsx — `npm run build` to use the build\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
}
