#!/usr/bin/env node
/* global process */
// Part of `npm run build`: files the app reads at run time next to its modules (the web chat's
// public files, demo CSVs, …) are copied into dist/ at the same relative paths.
import { cpSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skip = /\.(ts|tsx|mts|cts)$/;
let copied = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!skip.test(name)) {
      cpSync(path, join(root, 'dist', relative(root, path)));
      copied++;
    }
  }
}
for (const dir of ['src', 'adapters', 'migrations']) walk(join(root, dir));
process.stdout.write(`copied ${copied} asset files to dist/\n`);
// Last step of the build: bin/feebot.js runs dist/ only while this stamp is at least as new as the sources.
writeFileSync(join(root, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
