/** Rewrites the coverage table in docs/manifest-reference.md from the table and the schemas; run from the package root. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readSchema } from '../schemas.js';
import { renderCoverageReference, withCoverageReference } from './reference.js';

const file = path.join(process.cwd(), 'docs', 'manifest-reference.md');
writeFileSync(file, withCoverageReference(readFileSync(file, 'utf8'), renderCoverageReference(readSchema('manifest.schema.json'))));
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
