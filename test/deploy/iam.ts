/**
 * Just enough of IAM policy evaluation for tests: which Allow statements match an action
 * (with `*` and `?` wildcards, case-insensitive as IAM compares actions), and the
 * operations the AWS adapters can send, read from their SDK command imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One policy statement as written (single values or lists). */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An identity-based policy document. */
export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

function list(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function isStatement(v: unknown): v is Statement {
  if (typeof v !== 'object' || v === null) return false;
  const effect = (v as { Effect?: unknown }).Effect;
  return effect === 'Allow' || effect === 'Deny';
}

/** Reads and shape-checks a policy file; throws with the file name when it is not a policy. */
export function readPolicy(file: string): PolicyDocument {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const doc = parsed as { Version?: unknown; Statement?: unknown };
  if (doc.Version !== '2012-10-17' || !Array.isArray(doc.Statement) || !doc.Statement.every(isStatement)) {
    throw new Error(`${file}: not an IAM policy document (Version 2012-10-17 and a Statement list)`);
  }
  return { Version: doc.Version, Statement: doc.Statement };
}

/** The statement's actions as written. */
export function actionsOf(s: Statement): string[] {
  return list(s.Action);
}

/** The statement's resources as written. */
export function resourcesOf(s: Statement): string[] {
  return list(s.Resource);
}

/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'i' : '');
  return re.test(value);
}

/** The Allow statements that name `action` (no Deny in our policy, so these decide). */
export function statementsAllowing(policy: PolicyDocument, action: string): Statement[] {
  return policy.Statement.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => wildcardMatch(a, action, true)));
}

/** SDK package → IAM service prefix, for the clients the adapters use. */
const PREFIX_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-servicediscovery': 'servicediscovery',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-eventbridge': 'events',
};

/**
 * API operations whose IAM action has another name
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html: "you must have
 * permission to perform the s3:ListBucket action").
 */
const IAM_ACTION_OF_OPERATION: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
};

/** The IAM action that authorises `prefix:Operation`. */
export function iamActionOf(operation: string): string {
  return IAM_ACTION_OF_OPERATION[operation] ?? operation;
}

/**
 * Every `prefix:Operation` the files in `dir` can send: the `…Command` classes they import (as
 * values, not types) from an AWS SDK client package.
 */
export function operationsImportedBy(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/import\s*(type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
      if (m[1] !== undefined) continue; // `import type { … }`
      const prefix = PREFIX_OF_PACKAGE[m[3] ?? ''];
      if (prefix === undefined) throw new Error(`${file}: imports ${m[3]}, which has no IAM prefix mapping here`);
      for (const raw of (m[2] ?? '').split(',')) {
        const name = raw.trim();
        if (name.startsWith('type ')) continue;
        const op = /^([A-Z][A-Za-z0-9]*)Command$/.exec(name.split(/\s+as\s+/)[0] ?? '')?.[1];
        if (op === undefined) continue;
        const key = `${prefix}:${op}`;
        found.set(key, [...(found.get(key) ?? []), file]);
      }
    }
  }
  return found;
}
