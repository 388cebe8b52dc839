/**
 * A small Dockerfile reader for tests: enough of the format (comments, line continuations,
 * stages, JSON-array instructions) to assert what the image is, not a full parser.
 */

/** One instruction: upper-cased keyword, raw arguments, and the JSON array form when written so. */
export interface Instruction {
  keyword: string;
  args: string;
  json?: string[];
  line: number;
}

/** One build stage: its base image, optional name and instructions after FROM. */
export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((x): x is string => typeof x === 'string')) return parsed;
  } catch {
    // Not JSON: the shell form.
  }
  return undefined;
}

/** Splits Dockerfile text into instructions, joining `\` continuations and skipping comments. */
export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (buffer === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (buffer !== '' && trimmed.startsWith('#')) return; // comments inside a continuation
    if (buffer === '') start = i + 1;
    if (trimmed.endsWith('\\')) {
      buffer += `${trimmed.slice(0, -1).trim()} `;
      return;
    }
    buffer += trimmed;
    const m = /^(\S+)\s*(.*)$/s.exec(buffer);
    buffer = '';
    if (!m) return;
    const keyword = (m[1] ?? '').toUpperCase();
    const args = (m[2] ?? '').trim();
    const json = jsonArray(args);
    out.push({ keyword, args, line: start, ...(json ? { json } : {}) });
  });
  return out;
}

/** Groups instructions into stages; throws if anything but ARG precedes the first FROM. */
export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: unreadable FROM ${ins.args}`);
      stages.push({ image: m[1] ?? '', ...(m[2] ? { name: m[2] } : {}), instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) {
      if (ins.keyword === 'ARG') continue;
      throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
    }
    current.instructions.push(ins);
  }
  return stages;
}

/** The instructions of `stage` with `keyword`, in order. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
