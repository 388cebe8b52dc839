/**
 * Fleets made the way the console, CloudFormation or a script makes them: raw AWS SDK calls in
 * AWS's own request shapes, never through switchboard. `import` is tested on them.
 */
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type CreateClusterCommandInput,
  type CreateServiceCommandInput,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { CreateHttpNamespaceCommand, CreatePrivateDnsNamespaceCommand, GetOperationCommand } from '@aws-sdk/client-servicediscovery';
import type { TestClients } from './aws.js';

/** A Cloud Map namespace as CreateHttpNamespace / CreatePrivateDnsNamespace take it. */
export interface RawNamespace {
  Name: string;
  type: 'HTTP' | 'DNS_PRIVATE';
  Vpc?: string;
  Description?: string;
  Tags?: { Key: string; Value: string }[];
}

/** Everything a fleet is made of, created in this order. */
export interface RawFleet {
  namespaces?: RawNamespace[];
  clusters?: CreateClusterCommandInput[];
  /** awslogs groups the task definitions and Service Connect proxies write to. */
  logGroups?: string[];
  taskDefinitions?: RegisterTaskDefinitionCommandInput[];
  services?: CreateServiceCommandInput[];
}

async function waitForOperation(clients: TestClients, operationId: string | undefined): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const op = await clients.cloudMap.send(new GetOperationCommand({ OperationId: operationId }));
    const status = op.Operation?.Status;
    if (status === 'SUCCESS') return;
    if (status === 'FAIL') throw new Error(`namespace operation failed: ${op.Operation?.ErrorMessage ?? ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('namespace operation did not finish');
}

/** Creates a fleet through raw SDK calls (services wait for nothing, as CreateService does not). */
export async function createRawFleet(clients: TestClients, fleet: RawFleet): Promise<void> {
  for (const ns of fleet.namespaces ?? []) {
    const common = { Name: ns.Name, ...(ns.Description !== undefined ? { Description: ns.Description } : {}), ...(ns.Tags ? { Tags: ns.Tags } : {}) };
    const res =
      ns.type === 'HTTP'
        ? await clients.cloudMap.send(new CreateHttpNamespaceCommand(common))
        : await clients.cloudMap.send(new CreatePrivateDnsNamespaceCommand({ ...common, Vpc: ns.Vpc ?? 'vpc-0123456789abcdef0' }));
    await waitForOperation(clients, res.OperationId);
  }
  for (const c of fleet.clusters ?? []) await clients.ecs.send(new CreateClusterCommand(c));
  for (const g of fleet.logGroups ?? []) await clients.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  for (const td of fleet.taskDefinitions ?? []) await clients.ecs.send(new RegisterTaskDefinitionCommand(td));
  for (const s of fleet.services ?? []) await clients.ecs.send(new CreateServiceCommand(s));
}

/** The awslogs groups a fleet's task definitions and Service Connect proxies name. */
export function awslogsGroups(fleet: RawFleet): string[] {
  const groups = new Set<string>();
  const add = (lc: { logDriver?: string; options?: Record<string, string> } | undefined): void => {
    const g = lc?.logDriver === 'awslogs' ? lc.options?.['awslogs-group'] : undefined;
    if (g !== undefined) groups.add(g);
  };
  for (const td of fleet.taskDefinitions ?? []) for (const c of td.containerDefinitions ?? []) add(c.logConfiguration);
  for (const s of fleet.services ?? []) add(s.serviceConnectConfiguration?.logConfiguration);
  return [...groups].sort();
}
