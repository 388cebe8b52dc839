/** Durations as people write them on a command line: `500ms`, `30s`, `5m`, `1h` (a bare number is seconds). */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration into milliseconds; throws with a readable message when it is not one. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m || m[1] === undefined) throw new Error(`"${text}" is not a duration (use e.g. 500ms, 30s, 5m, 1h)`);
  const ms = Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`"${text}" must be longer than zero`);
  return Math.round(ms);
}

/** Formats milliseconds compactly (`250ms`, `30s`, `5m`). */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
