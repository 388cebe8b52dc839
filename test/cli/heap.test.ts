import { heapGrowthSetAtLaunch, tuneHeapForDaemon } from '../../src/cli/heap.js';

test('a heap growing factor chosen at launch, as a node option or in NODE_OPTIONS, is left alone', () => {
  expect(heapGrowthSetAtLaunch(['--heap-growing-percent=50'], undefined)).toBe(true);
  expect(heapGrowthSetAtLaunch(['--heap_growing_percent=50'], undefined)).toBe(true);
  expect(heapGrowthSetAtLaunch([], '--max-semi-space-size=4 --heap-growing-percent=80')).toBe(true);
  expect(tuneHeapForDaemon(['--heap-growing-percent=50'], undefined)).toBe(false);
});

test('other node options do not count as choosing the heap growing factor', () => {
  expect(heapGrowthSetAtLaunch(['--max-semi-space-size=4', '--enable-source-maps'], undefined)).toBe(false);
  expect(heapGrowthSetAtLaunch([], '--max-old-space-size=512')).toBe(false);
  expect(heapGrowthSetAtLaunch([], undefined)).toBe(false);
});
