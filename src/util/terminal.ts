/**
 * Text made safe to print on a terminal. A name or value taken from a manifest, a file name or an
 * S3 key can carry control characters: a newline forges a log line, ESC and OSC sequences move the
 * cursor, clear the screen or retitle the window, an 8-bit CSI does the same on some terminals,
 * and bidirectional overrides make text read other than it is. They are written as escapes
 * (`\n`, `\x1b`, `\u202e`), so what was there stays visible. JSON output needs none of this:
 * JSON escapes its own control characters and is read by programs. Pure.
 */

// C0 controls but tab, DEL, C1 controls, and the bidirectional marks, embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character (tab aside) written as an escape: one line, nothing a terminal acts on. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, escapeOne);
}
