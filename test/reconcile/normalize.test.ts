import { contentHash } from '../../src/reconcile/canonical.js';
import { diffFields, MASK } from '../../src/reconcile/diff.js';
import { canonicalServiceConnect, containsDesired, namespaceIndex } from '../../src/reconcile/normalize-service.js';
import { canonicalTaskDefinition, normalizeCpu, normalizeMemory } from '../../src/reconcile/normalize-task-definition.js';
import type { JsonObject } from '../../src/reconcile/ports.js';

const written: JsonObject = {
  family: 'nginx',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '0.25 vCPU',
  memory: '0.5GB',
  containerDefinitions: [
    {
      name: 'nginx',
      image: 'public.ecr.aws/nginx/nginx:1.27',
      portMappings: [{ name: 'nginx-80-tcp', containerPort: 80, appProtocol: 'http' }],
      environment: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
      ],
    },
  ],
};

// What DescribeTaskDefinition returns for `written`: defaults filled, read-only fields added.
const described: JsonObject = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/nginx:3',
  family: 'nginx',
  revision: 3,
  status: 'ACTIVE',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  compatibilities: ['EC2', 'FARGATE'],
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
  registeredAt: '2026-11-25T00:00:00.000Z',
  registeredBy: 'arn:aws:iam::123456789012:root',
  cpu: '256',
  memory: '512',
  volumes: [],
  placementConstraints: [],
  containerDefinitions: [
    {
      name: 'nginx',
      image: 'public.ecr.aws/nginx/nginx:1.27',
      cpu: 0,
      essential: true,
      portMappings: [{ name: 'nginx-80-tcp', containerPort: 80, hostPort: 80, protocol: 'tcp', appProtocol: 'http' }],
      environment: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
    },
  ],
};

describe('task definition normalisation', () => {
  test('a manifest and the DescribeTaskDefinition output of the same registration are equal', () => {
    expect(canonicalTaskDefinition(described)).toEqual(canonicalTaskDefinition(written));
    expect(contentHash(canonicalTaskDefinition(described))).toBe(contentHash(canonicalTaskDefinition(written)));
  });

  test('a changed image is a difference', () => {
    const changed = structuredClone(written);
    (changed.containerDefinitions as JsonObject[])[0]!.image = 'public.ecr.aws/nginx/nginx:1.28';
    expect(canonicalTaskDefinition(described)).not.toEqual(canonicalTaskDefinition(changed));
  });

  test('an explicit non-default value is kept (essential: false)', () => {
    const c = structuredClone(written);
    (c.containerDefinitions as JsonObject[])[0]!.essential = false;
    expect(canonicalTaskDefinition(c)).not.toEqual(canonicalTaskDefinition(written));
  });

  test('normalisation is idempotent', () => {
    const once = canonicalTaskDefinition(described);
    expect(canonicalTaskDefinition(once)).toEqual(once);
  });

  test('CPU and memory units are converted to what AWS stores', () => {
    expect(normalizeCpu('1 vCPU')).toBe('1024');
    expect(normalizeCpu(512)).toBe('512');
    expect(normalizeMemory('2 GB')).toBe('2048');
    expect(normalizeMemory('1024')).toBe('1024');
  });
});

describe('Service Connect normalisation', () => {
  const index = namespaceIndex([{ name: 'test-namespace', arn: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abc' }]);

  test('a namespace name and its ARN, and omitted defaults, compare equal', () => {
    const manifest = { enabled: true, namespace: 'test-namespace', services: [{ portName: 'nginx-80-tcp', clientAliases: [{ port: 80 }] }] };
    const live = {
      enabled: true,
      namespace: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abc',
      services: [{ portName: 'nginx-80-tcp', discoveryName: 'nginx-80-tcp', clientAliases: [{ port: 80, dnsName: 'nginx-80-tcp.test-namespace' }] }],
    };
    expect(canonicalServiceConnect(live, index)).toEqual(canonicalServiceConnect(manifest, index));
  });

  test('absent and disabled are the same; enabled is different', () => {
    expect(canonicalServiceConnect(undefined, index)).toEqual(canonicalServiceConnect({ enabled: false }, index));
    expect(canonicalServiceConnect({ enabled: true, namespace: 'test-namespace' }, index)).not.toEqual(canonicalServiceConnect(undefined, index));
  });

  test('a removed client alias is a difference', () => {
    const a = canonicalServiceConnect({ enabled: true, namespace: 'test-namespace', services: [{ portName: 'p', clientAliases: [{ port: 80 }] }] }, index);
    const b = canonicalServiceConnect({ enabled: true, namespace: 'test-namespace', services: [{ portName: 'p' }] }, index);
    expect(a).not.toEqual(b);
  });
});

describe('comparing what the manifest states', () => {
  test('fields the manifest leaves out are not compared', () => {
    expect(containsDesired({ minimumHealthyPercent: 100 }, { minimumHealthyPercent: 100, maximumPercent: 200 })).toBe(true);
    expect(containsDesired({ minimumHealthyPercent: 50 }, { minimumHealthyPercent: 100, maximumPercent: 200 })).toBe(false);
  });

  test('subnets and security groups compare as sets', () => {
    const want = { awsvpcConfiguration: { subnets: ['a', 'b'] } };
    expect(containsDesired(want, { awsvpcConfiguration: { subnets: ['b', 'a'], assignPublicIp: 'DISABLED' } })).toBe(true);
    expect(containsDesired(want, { awsvpcConfiguration: { subnets: ['a'] } })).toBe(false);
  });
});

describe('field-level diffs', () => {
  test('values of secret-looking environment variables are masked', () => {
    const changes = diffFields(
      'containerDefinitions',
      [{ name: 'app', environment: [{ name: 'DB_PASSWORD', value: 'old-secret' }] }],
      [{ name: 'app', environment: [{ name: 'DB_PASSWORD', value: 'new-secret' }, { name: 'API_TOKEN', value: 't0ken' }] }],
    );
    const text = JSON.stringify(changes);
    expect(text).not.toContain('secret"');
    expect(text).not.toContain('old-secret');
    expect(text).not.toContain('t0ken');
    expect(changes).toContainEqual({ path: 'containerDefinitions[app].environment[DB_PASSWORD].value', old: MASK, new: MASK });
  });

  test('array elements are matched by name', () => {
    const changes = diffFields('c', [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }], [{ name: 'b', image: 'y:1' }, { name: 'a', image: 'x:2' }]);
    expect(changes).toEqual([{ path: 'c[a].image', old: 'x:1', new: 'x:2' }]);
  });
});
