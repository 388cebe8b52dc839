import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Records one measured row for RELIABILITY.md when RELIABILITY_REPORT names a file (the report
 * script sets it); otherwise does nothing, so ordinary test runs write no files.
 */
export function reportRow(row: Record<string, unknown>): void {
  const file = process.env.RELIABILITY_REPORT;
  if (!file) return;
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}
