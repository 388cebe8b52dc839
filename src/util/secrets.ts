/**
 * What counts as a secret in anything the controller shows (logs, status, plan and apply output),
 * and how it is hidden. By name: an environment variable, a `{name|key, value}` pair, or a map key
 * (Docker labels, log driver options such as FireLens' `apikey` or `Authorization`) whose name says
 * credential. By value, whatever the name: AWS access key ids, well-known token prefixes, JWTs, PEM
 * private keys, `Bearer`/`Basic` credentials and the password in a URL's user-info. Pure.
 */
import { isPlainObject } from './plain-object.js';

/** What a hidden value is replaced with. */
export const MASK = '***';

// Credential words in a name: DB_PASSWORD, DB_PASS, PASSWD, PWD, API_KEY, apikey, SECRET, TOKEN,
// GITHUB_PAT, AUTH, Authorization, CREDENTIALS, PRIVATE_KEY, COOKIE, SESSION, SIGNATURE, DSN, SALT.
const SECRET_NAME = /pass|pwd|secret|token|key|credential|private|auth|cookie|session|signature|dsn|salt|(?:^|[^a-z])pat(?:[^a-z]|$)/i;
// Names that are structure rather than content: a tag's or a pair's own `key` and `name`.
const STRUCTURAL = new Set(['key', 'name']);

/** Whether a name (an environment variable, a label or option key) says its value is a credential. */
export function looksSecret(name: string): boolean {
  return !STRUCTURAL.has(name.toLowerCase()) && SECRET_NAME.test(name);
}

// Values that are credentials wherever they appear.
const SECRET_VALUES: readonly RegExp[] = [
  // AWS access key ids: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
  /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g,
  // Token formats with a fixed prefix: GitHub, GitLab, Slack, Stripe, OpenAI-style, npm, Google API keys.
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|sk-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{30,}|AIza[A-Za-z0-9_-]{30,})/g,
  // JWTs: base64url header and payload (both JSON objects, so `eyJ`), then the signature.
  /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // PEM private keys, to their end marker (or the end of the text).
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  // HTTP credentials in a header value (a token, so not a word: it has a digit or a symbol).
  /\b(?:Bearer|Basic)\s+(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/g,
];
// scheme://user:password@host: the password part.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi;

/** `text` with every part that looks like a credential replaced by MASK. */
export function maskText(text: string): string {
  let out = text.replace(URL_USERINFO, `$1${MASK}@`);
  for (const re of SECRET_VALUES) out = out.replace(re, MASK);
  return out;
}

/**
 * `value` with secrets masked, anywhere in it: the `value` of a `{name|key, value}` pair whose name
 * looks secret, a string held under a key that looks secret (numbers there are counts, like a log
 * line's `pass`), and credential-looking text in any string. Only plain objects and arrays are
 * walked; anything else is returned as it is.
 */
export function maskJson<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map((v) => walk(v));
  if (!isPlainObject(value)) return value;
  const pairName = typeof value.name === 'string' ? value.name : typeof value.key === 'string' ? value.key : undefined;
  const secretPair = pairName !== undefined && looksSecret(pairName);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const scalar = v !== null && typeof v !== 'object';
    if (secretPair && k === 'value' && scalar) out[k] = MASK;
    else if (typeof v === 'string' && looksSecret(k)) out[k] = MASK;
    else out[k] = walk(v);
  }
  return out;
}
