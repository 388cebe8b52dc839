/** The namespace planner, case by case. */
import { planContext } from '../../src/reconcile/plan-context.js';
import { planNamespace } from '../../src/reconcile/plan-namespace.js';
import type { ObservedState } from '../../src/reconcile/observed.js';
import { namespaceCreatorRequestId } from '../../src/reconcile/namespace-fields.js';
import type { LiveNamespace } from '../../src/reconcile/ports.js';
import { liveNamespace, manifests, NAMESPACE, observedWith, one, OPTS } from './plan-fixtures.js';

const desired = manifests(NAMESPACE);
const ns = one(desired, 'Namespace', 'apps');

function plan(observed: ObservedState) {
  return planNamespace(ns, planContext(desired, observed, OPTS));
}

test.each<[string, () => ObservedState, { outcome: string; ops: string[]; reason?: RegExp }]>([
  ['a missing namespace is created', () => observedWith(), { outcome: 'create', ops: ['createNamespace'] }],
  ['an owned namespace as declared is unchanged', () => observedWith([liveNamespace('apps')]), { outcome: 'unchanged', ops: [] }],
  [
    'a changed description of an HTTP namespace is updated',
    () => observedWith([liveNamespace('apps', { description: 'old' })]),
    { outcome: 'update', ops: ['updateNamespace'] },
  ],
  [
    'a namespace of another type cannot change in place',
    () => observedWith([liveNamespace('apps', { type: 'DNS_PRIVATE' })]),
    { outcome: 'blocked', ops: [], reason: /type cannot change in place/ },
  ],
  [
    'a namespace another controller owns is a conflict',
    () => {
      const o = observedWith([liveNamespace('apps', { description: 'old' })]);
      o.namespaceTags.set(liveNamespace('apps').arn, { 'switchboard.dev/managed-by': 'other' });
      return o;
    },
    { outcome: 'conflict', ops: [], reason: /managed by controller "other"/ },
  ],
  [
    'unreadable namespaces block the plan and carry the read error',
    () => {
      const o = observedWith();
      o.unavailable.namespaces = { message: 'boom', category: 'Transient' };
      return o;
    },
    { outcome: 'blocked', ops: [], reason: /could not be read: boom/ },
  ],
])('%s', (_name, observed, want) => {
  const p = plan(observed());
  expect(p.outcome).toBe(want.outcome);
  expect(p.steps.map((s) => s.op)).toEqual(want.ops);
  if (want.reason) expect(p.reason).toMatch(want.reason);
});

const DNS_SPEC = '{type: DNS_PRIVATE, vpc: vpc-1, description: internal, properties: {dnsProperties: {soa: {ttl: 60}}}}';
const dnsManifests = (spec = DNS_SPEC) => manifests(`kind: Namespace\nmetadata: {name: apps}\nspec: ${spec}\n`);
const liveDns = (extra: Partial<LiveNamespace> = {}) => liveNamespace('apps', { type: 'DNS_PRIVATE', description: 'internal', soaTtl: 60, ...extra });

/** Plans the DNS namespace `apps`, with the CreatorRequestId GetNamespace returned for it (undefined: not read). */
function planDns(live: LiveNamespace, creator: string | null | undefined, spec?: string) {
  const dns = dnsManifests(spec);
  const observed = observedWith([live]);
  if (creator !== undefined) observed.namespaceCreators.set(live.id, creator);
  return planNamespace(one(dns, 'Namespace', 'apps'), planContext(dns, observed, OPTS));
}

const ours = namespaceCreatorRequestId('switchboard', 'apps', 'DNS_PRIVATE', 'vpc-1');

test('a DNS namespace as declared, created by us for its VPC (or by a retry of that creation), is unchanged', () => {
  for (const creator of [ours, `${ours}-lq2x`]) {
    const p = planDns(liveDns(), creator);
    expect({ outcome: p.outcome, notes: p.notes }).toEqual({ outcome: 'unchanged', notes: [] });
  }
});

test('the description and the SOA TTL of a DNS namespace are updated with one UpdatePrivateDnsNamespace', () => {
  const p = planDns(liveDns({ description: 'old', soaTtl: 15 }), ours);
  expect(p.outcome).toBe('update');
  expect(p.changes).toEqual([
    { path: 'description', old: 'old', new: 'internal' },
    { path: 'properties.dnsProperties.soa.ttl', old: 15, new: 60 },
  ]);
  expect(p.steps).toEqual([{ op: 'updateNamespace', id: 'ns-apps', name: 'apps', type: 'DNS_PRIVATE', description: 'internal', soaTtl: 60, updaterRequestId: expect.stringMatching(/^switchboard-[0-9a-f]{16}$/) }]);
});

test('an SOA TTL Cloud Map does not return is not compared, and the plan says so', () => {
  const p = planDns(liveDns({ soaTtl: undefined }), ours);
  expect(p.outcome).toBe('unchanged');
  expect(p.notes).toEqual(['Cloud Map returned no SOA TTL for namespace apps: properties.dnsProperties.soa.ttl is not compared']);
});

test('a DNS namespace created for another VPC is blocked: a namespace cannot move', () => {
  const other = namespaceCreatorRequestId('switchboard', 'apps', 'DNS_PRIVATE', 'vpc-2');
  const p = planDns(liveDns({ description: 'old' }), other);
  expect(p.outcome).toBe('blocked');
  expect(p.steps).toEqual([]);
  expect(p.hold).toEqual({ kind: 'stalled', reason: 'ReplaceRequired' });
  expect(p.reason).toMatch(/^namespace apps was created for another VPC than vpc-1 .*cannot move to another VPC; delete namespace apps or use another name$/);
  expect(p.changes).toEqual([{ path: 'vpc', old: '(another VPC)', new: 'vpc-1' }]);
});

test('the VPC of a DNS namespace created elsewhere is not compared, and the plan says so', () => {
  for (const creator of [null, 'terraform-1234']) {
    const p = planDns(liveDns(), creator);
    expect(p.outcome).toBe('unchanged');
    expect(p.notes).toEqual(['the VPC of namespace apps cannot be read (Cloud Map does not return it, and switchboard did not create the namespace): vpc is not compared']);
  }
});

test('what cannot be compared is said even when nothing else is looked at (the namespace tags were not read)', () => {
  const dns = dnsManifests();
  const live = liveDns({ soaTtl: undefined });
  const observed = observedWith([live]);
  observed.namespaceTags.clear();
  observed.namespaceCreators.set(live.id, null);
  const p = planNamespace(one(dns, 'Namespace', 'apps'), planContext(dns, observed, OPTS));
  expect(p.outcome).toBe('unchanged');
  expect(p.notes).toEqual([
    'the VPC of namespace apps cannot be read (Cloud Map does not return it, and switchboard did not create the namespace): vpc is not compared',
    'Cloud Map returned no SOA TTL for namespace apps: properties.dnsProperties.soa.ttl is not compared',
  ]);
});

test('a DNS namespace is created with its SOA TTL and a CreatorRequestId that records its VPC', () => {
  const dns = dnsManifests();
  const p = planNamespace(one(dns, 'Namespace', 'apps'), planContext(dns, observedWith(), OPTS));
  expect(p.steps).toEqual([expect.objectContaining({ op: 'createNamespace', type: 'DNS_PRIVATE', vpc: 'vpc-1', soaTtl: 60, creatorRequestId: ours })]);
});

test('adopting a namespace tags it as ours before updating it, so a policy that allows changes only on owned namespaces lets the update through', () => {
  const adopted = manifests(NAMESPACE.replace('metadata: {name: apps}', 'metadata: {name: apps, annotations: {switchboard.dev/adopt: "true"}}'));
  const o = observedWith([liveNamespace('apps', { description: 'old' })]);
  o.namespaceTags.set(liveNamespace('apps').arn, {});
  const p = planNamespace(one(adopted, 'Namespace', 'apps'), planContext(adopted, o, OPTS));
  expect(p.steps.map((s) => s.op)).toEqual(['tagCloudMap', 'updateNamespace']);
});
