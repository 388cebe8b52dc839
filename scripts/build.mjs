// The package's build: the CLI (tsconfig.build.json) into dist/, and the controller page's browser
// script (tsconfig.page.json: DOM types, no Node) into dist/page/. `--outDir DIR` moves both.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--outDir');
const outDir = at >= 0 ? args[at + 1] : 'dist';
if (outDir === undefined) {
  process.stderr.write('build: --outDir needs a folder\n');
  process.exit(2);
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const [project, dir] of [
  ['tsconfig.build.json', outDir],
  ['tsconfig.page.json', path.join(outDir, 'page')],
]) {
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--outDir', dir], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
