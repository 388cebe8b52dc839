/**
 * What `import` writes for live states the simulator cannot produce (a task definition of another
 * account, a member a newer AWS returns), and its check that the written manifests validate and
 * reproduce live state.
 */
import { buildManifests } from '../../src/import/build.js';
import { checkImported } from '../../src/import/check.js';
import type { LiveFleet } from '../../src/import/read.js';
import { renderFile } from '../../src/import/render.js';
import type { JsonObject, LiveService } from '../../src/reconcile/ports.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012';

function service(name: string, taskDefinition: string, serviceConnectConfiguration?: JsonObject): LiveService {
  return {
    cluster: 'c',
    clusterArn: `${ARN}:cluster/c`,
    name,
    arn: `${ARN}:service/c/${name}`,
    status: 'ACTIVE',
    taskDefinition,
    desiredCount: 1,
    runningCount: 1,
    raw: { desiredCount: 1, launchType: 'EC2', schedulingStrategy: 'REPLICA' },
    deployments: [
      { id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition, desiredCount: 1, runningCount: 1, failedTasks: 0, serviceConnectResources: [], ...(serviceConnectConfiguration ? { serviceConnectConfiguration } : {}) },
    ],
    events: [],
    tags: {},
  };
}

function fleet(services: LiveService[], definitions: JsonObject[] = []): LiveFleet {
  const taskDefinitions = new Map(
    definitions.map((d) => {
      const arn = `${ARN}:task-definition/${String(d.family)}:1`;
      return [arn, { arn, family: String(d.family), revision: 1, status: 'ACTIVE', definition: { ...d, taskDefinitionArn: arn, revision: 1 }, tags: {} }] as const;
    }),
  );
  return {
    clusters: [{ name: 'c', arn: `${ARN}:cluster/c`, status: 'ACTIVE', settings: [], tags: {}, raw: {} }],
    services,
    taskDefinitions,
    latestRevisions: new Map([...taskDefinitions.keys()].map((arn) => [arn.slice(arn.lastIndexOf('/') + 1, arn.lastIndexOf(':')), arn])),
    namespaces: [{ id: 'ns-1', arn: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1', name: 'shop', type: 'HTTP' }],
    namespaceTags: new Map(),
  };
}

function rendered(f: LiveFleet) {
  const built = buildManifests(f, { controllerId: 'switchboard', adopt: true });
  const files = built.files.map((file) => ({ path: file.path, text: renderFile(file, 'manifest.schema.json') }));
  return { built, files, warnings: [...built.warnings, ...checkImported(files, f)] };
}

test('a service running a task definition of another account names it by ARN, with a warning', () => {
  const foreign = 'arn:aws:ecs:us-east-1:999999999999:task-definition/shared:4';
  const { files, warnings } = rendered(fleet([service('api', foreign)]));
  expect(files.find((f) => f.path === 'services/api.yaml')?.text).toContain(`taskDefinition: ${foreign}`);
  expect(warnings).toEqual([`Service/api: runs ${foreign} of another account; the service names it by ARN and no TaskDefinition is imported for it`]);
});

test('a member the manifest schema does not know yet is reported as not validating, never dropped silently', () => {
  const td = { family: 'api', containerDefinitions: [{ name: 'api', image: 'busybox', memory: 64, portMappings: [{ name: 'http', containerPort: 80, appProtocol: 'http' }] }] };
  const sc = { enabled: true, namespace: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1', services: [{ portName: 'http', futureMember: 7 }] };
  const { warnings } = rendered(fleet([service('api', `${ARN}:task-definition/api:1`, sc)], [td]));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^the written manifests do not validate: services\/api\.yaml:\d+:\d+: error: Service\/api: .*futureMember/);
});

test('a written field that would not compare equal to live state is reported', () => {
  const td = { family: 'api', containerDefinitions: [{ name: 'api', image: 'busybox', memory: 64 }] };
  const f = fleet([service('api', `${ARN}:task-definition/api:1`)], [td]);
  const { files } = rendered(f);
  // The live service changes after the manifest was written: the check compares with live state.
  const drifted = { ...f, services: [{ ...service('api', `${ARN}:task-definition/api:1`), raw: { desiredCount: 3, launchType: 'EC2' } }] };
  expect(checkImported(files, drifted)).toEqual(['Service/api: the written manifest does not reproduce live desiredCount: plan will show it as a change']);
});

test('a service of task sets (EXTERNAL deployment controller) is skipped with a warning; the ECS service-linked role is not written as its role', () => {
  const external = { ...service('ext', ''), raw: { deploymentController: { type: 'EXTERNAL' } } };
  const td = { family: 'web', containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64 }] };
  const web = service('web', `${ARN}:task-definition/web:1`);
  web.raw = { ...web.raw, roleArn: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS', loadBalancers: [{ loadBalancerName: 'lb', containerName: 'web', containerPort: 80 }] };
  const { files, warnings } = rendered(fleet([external, web], [td]));
  expect(warnings).toEqual(['Service/ext: skipped: it runs task sets (deployment controller {"type":"EXTERNAL"}), which have no manifest']);
  expect(files.map((f) => f.path)).toEqual(['clusters.yaml', 'services/web.yaml']);
  expect(files[1]?.text).not.toContain('role:');
});
