/** Regenerates the model shapes and the JSON Schemas from the installed ECS SDK model; run from the package root. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateAll } from './generate.js';

const root = process.cwd();
for (const [rel, content] of Object.entries(generateAll(root))) {
  writeFileSync(path.join(root, rel), content);
  process.stdout.write(`wrote ${rel}\n`);
}
