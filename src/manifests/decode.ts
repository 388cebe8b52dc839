/** Bytes → text, rejecting what is not a UTF-8 text file before the YAML parser sees it. */
import type { Problem } from './problems.js';

/** Limits applied to every file. */
export interface LoadLimits {
  /** Largest file accepted, in bytes (default 1 MiB). */
  maxFileSize: number;
  /** Deepest nesting of YAML collections accepted (default 64). */
  maxDepth: number;
  /** Most alias expansions per document (default 100); guards against "billion laughs" alias bombs. */
  maxAliasCount: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: LoadLimits = { maxFileSize: 1024 * 1024, maxDepth: 64, maxAliasCount: 100 };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** The 1-based line and column of a character index in `text`. */
export function positionOf(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

/** Decodes a file's bytes as UTF-8 text, or returns the problem that makes it unreadable. */
export function decodeFile(file: string, content: Uint8Array, limits: LoadLimits): { text: string } | { problem: Problem } {
  const problem = (message: string, hint: string, code: string, line = 1, column = 1): { problem: Problem } => ({
    problem: { severity: 'error', code, file, line, column, message, hint },
  });
  if (content.byteLength > limits.maxFileSize) {
    return problem(
      `file is ${content.byteLength} bytes, over the ${limits.maxFileSize}-byte limit`,
      'split it into several files, or raise the limit with --max-file-size',
      'file-too-large',
    );
  }
  const nul = content.indexOf(0);
  if (nul !== -1) {
    return problem('file is binary (contains a NUL byte), not a YAML manifest', 'keep only YAML manifests in manifest folders', 'binary-file');
  }
  try {
    return { text: utf8.decode(content) };
  } catch {
    const lenient = utf8Lenient.decode(content);
    const at = positionOf(lenient, Math.max(0, lenient.indexOf('\uFFFD')));
    return problem('file is not valid UTF-8', 're-save the file as UTF-8', 'invalid-utf8', at.line, at.column);
  }
}
