// Builds dist/: dist/esm (ES modules + .d.ts) and dist/cjs (CommonJS + .d.ts, entry cjs.js),
// each folder marked with its own package.json "type" so Node reads its .js files right.
// Run by `npm run build` and by `prepack` (so `npm pack` always ships a fresh build).

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
for (const [config, dir, type] of [
  ['tsconfig.esm.json', 'esm', 'module'],
  ['tsconfig.cjs.json', 'cjs', 'commonjs'],
]) {
  execFileSync(process.execPath, [tsc, '-p', config], { cwd: root, stdio: 'inherit' });
  mkdirSync(path.join(root, 'dist', dir), { recursive: true });
  writeFileSync(path.join(root, 'dist', dir, 'package.json'), `${JSON.stringify({ type }, null, 2)}\n`);
}
