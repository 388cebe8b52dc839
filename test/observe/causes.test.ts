/**
 * One cause, one line: resources blocked or failed for the same reason are reported once, with
 * the resources, the calls that met it and one hint.
 */
import { groupByCause, hintFor } from '../../src/observe/causes.js';
import { runSwitchboard } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

const EXAMPLES = 'manifests/examples';

/** Runs with `patch` applied to the environment (undefined deletes), restoring it afterwards. */
async function withEnv<T>(patch: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(patch)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('entries sharing a cause form one group; a cause met once stays on its own line', () => {
  const refused = (op: string): { message: string; code: string; category: string } => ({ message: `${op} failed: Error: connect ECONNREFUSED 127.0.0.1:1`, code: 'Error', category: 'Transient' });
  const { groups, rest } = groupByCause([
    { key: 'Namespace/a', error: refused('servicediscovery:ListNamespaces') },
    { key: 'Service/b', error: refused('ecs:DescribeServices') },
    { key: 'Service/c', error: { message: 'ecs:UpdateService failed: InvalidParameterException: bad', code: 'InvalidParameterException', category: 'Invalid' } },
    { key: 'Cluster/d' },
  ]);
  expect(groups).toEqual([
    {
      cause: 'connect ECONNREFUSED 127.0.0.1:1',
      keys: ['Namespace/a', 'Service/b'],
      operations: ['servicediscovery:ListNamespaces', 'ecs:DescribeServices'],
      hint: expect.stringContaining('--endpoint-url') as unknown as string,
    },
  ]);
  expect(rest.map((r) => r.key)).toEqual(['Service/c', 'Cluster/d']);
});

test('hints name the usual fix by error code and category', () => {
  expect(hintFor({ message: 'x', code: 'CredentialsProviderError' })).toMatch(/AWS_PROFILE/);
  expect(hintFor({ message: 'x', code: 'AccessDeniedException', category: 'Denied' })).toMatch(/iam-policy/);
  expect(hintFor({ message: 'x', code: 'ExpiredTokenException', category: 'Denied' })).toMatch(/expired/);
  expect(hintFor({ message: 'x', code: 'InvalidParameterException', category: 'Invalid' })).toBeUndefined();
});

test('plan and apply against an endpoint that refuses connections print the cause once, with one hint', async () => {
  const endpoint = `http://127.0.0.1:${await freePort()}`;
  for (const [cmd, verb] of [
    ['plan', 'blocked'],
    ['apply', 'failed'],
  ] as const) {
    const run = await runSwitchboard([cmd, '-f', EXAMPLES, '--endpoint-url', endpoint]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    // (Under jest the SDK sees the socket error from another realm and prefixes "AWS SDK error wrapper for".)
    expect(lines[0]).toMatch(new RegExp(`^! 14 resources ${verb}: (AWS SDK error wrapper for Error: )?connect ECONNREFUSED ${endpoint.slice('http://'.length)}$`));
    expect(lines[1]).toMatch(/^ {4}Namespace\/shop, Namespace\/test-namespace, .* and 2 more$/);
    expect(lines[2]).toBe('    calls that failed: servicediscovery:ListNamespaces, ecs:DescribeClusters, ecs:ListTaskDefinitions, ecs:DescribeServices');
    expect(lines.filter((l) => l.includes('hint:'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(1);
    expect(lines).toHaveLength(5);
  }
}, 60_000);

test('plan with no credentials anywhere says so once, with the places credentials come from', async () => {
  const run = await withEnv(
    { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: undefined },
    () => runSwitchboard(['plan', '-f', EXAMPLES]),
  );
  expect(run.code).toBe(1);
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^! 14 resources blocked: CredentialsProviderError: /);
  expect(lines.filter((l) => l.includes('CredentialsProviderError'))).toHaveLength(1);
  expect(lines).toContain('    hint: no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them (ECS task role, instance profile)');
}, 60_000);
