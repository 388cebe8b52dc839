/**
 * One cause, one line: when several resources fail for the same reason (no credentials, an
 * endpoint that refuses connections, a missing permission), plan and apply output name the cause
 * once with the resources it blocks and one hint, instead of a near-identical line per resource.
 */
import { maskText } from '../util/secrets.js';
import { escapeControls } from '../util/terminal.js';

/** The error part of a plan or result entry. */
export interface CauseError {
  message: string;
  code?: string;
  category?: string;
}

/** Resources that failed for one cause. */
export interface CauseGroup {
  /** The cause without the operation that met it, e.g. `CredentialsProviderError: Could not load credentials from any providers`. */
  cause: string;
  keys: string[];
  /** The AWS operations that met it (`ecs:DescribeServices`), in first-seen order. */
  operations: string[];
  hint?: string;
}

// How src/aws/errors.ts (AwsCallError) words a failed call: `ecs:DescribeServices failed: <cause>`.
const OPERATION_PREFIX = /^([a-z0-9-]+:[A-Za-z0-9]+) failed: /;

function split(message: string): { operation?: string; cause: string } {
  const m = OPERATION_PREFIX.exec(message);
  const rest = m ? message.slice(m[0].length) : message;
  // A network error carries the bare JavaScript error name: `Error: connect ECONNREFUSED ...`.
  const cause = rest.replace(/^Error: /, '');
  return m?.[1] !== undefined ? { operation: m[1], cause } : { cause };
}

const NETWORK = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH)\b/;

/** What to do about a cause, when there is a usual fix. */
export function hintFor(error: CauseError): string | undefined {
  if (error.code === 'CredentialsProviderError') {
    return 'no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them (ECS task role, instance profile)';
  }
  if (error.code === 'ExpiredToken' || error.code === 'ExpiredTokenException') return 'the credentials have expired: refresh them (e.g. aws sso login) and run again';
  if (error.code === 'UnrecognizedClientException' || error.code === 'InvalidClientTokenId' || error.code === 'InvalidAccessKeyId') {
    return 'AWS does not recognise the access key: check AWS_PROFILE / AWS_ACCESS_KEY_ID, and that --region is in the key\'s partition';
  }
  if (error.category === 'Denied') return 'the credentials lack a permission: compare their policy with manifests/deploy/iam-policy.json';
  if (NETWORK.test(error.message)) return 'nothing answers at the AWS endpoint: check --endpoint-url (or AWS_ENDPOINT_URL), that the simulator or emulator there is running, and the network';
  return undefined;
}

/**
 * Splits entries into groups of two or more that share a cause, and the rest (entries without an
 * error, or whose cause is their own). Order is kept: groups by their first entry.
 */
export function groupByCause<T extends { key: string; error?: CauseError }>(entries: readonly T[]): { groups: CauseGroup[]; rest: T[] } {
  const byCause = new Map<string, { group: CauseGroup; members: T[] }>();
  for (const e of entries) {
    if (!e.error) continue;
    const { operation, cause } = split(e.error.message);
    const id = `${e.error.code ?? ''}\n${cause}`;
    let slot = byCause.get(id);
    if (!slot) {
      const hint = hintFor(e.error);
      slot = { group: { cause, keys: [], operations: [], ...(hint !== undefined ? { hint } : {}) }, members: [] };
      byCause.set(id, slot);
    }
    slot.group.keys.push(e.key);
    slot.members.push(e);
    if (operation !== undefined && !slot.group.operations.includes(operation)) slot.group.operations.push(operation);
  }
  const grouped = new Set<T>();
  const groups: CauseGroup[] = [];
  for (const { group, members } of byCause.values()) {
    if (members.length < 2) continue;
    groups.push(group);
    for (const m of members) grouped.add(m);
  }
  return { groups, rest: entries.filter((e) => !grouped.has(e)) };
}

const MAX_KEYS_SHOWN = 12;

/** A group as text: the headline, the resources (and reads) it blocks, and its hint. */
export function formatCauseGroup(g: CauseGroup, verb: string, paint: (text: string) => string = (t) => t): string[] {
  // An AWS message can echo what was sent: masked, and escaped for the terminal.
  const text = (t: string): string => escapeControls(maskText(t));
  const shown = text(g.keys.slice(0, MAX_KEYS_SHOWN).join(', '));
  const more = g.keys.length > MAX_KEYS_SHOWN ? ` and ${g.keys.length - MAX_KEYS_SHOWN} more` : '';
  const lines = [`${paint(`! ${g.keys.length} resources ${verb}`)}: ${text(g.cause)}`, `    ${shown}${more}`];
  if (g.operations.length > 0) lines.push(`    calls that failed: ${text(g.operations.join(', '))}`);
  if (g.hint !== undefined) lines.push(`    hint: ${text(g.hint)}`);
  return lines;
}
