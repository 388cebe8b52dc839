import { DescribeServicesCommand, RegisterTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import { eventually, type Clients } from './helpers.js';

/** An awsvpc network configuration (the simulator checks its presence, not its subnets). */
export const network = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };

/** Registers a Fargate task definition with one named HTTP port (8080); returns its ARN. */
export async function registerFargate(c: Clients, family: string, image: string, portName = 'http'): Promise<string> {
  const out = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image, portMappings: [{ name: portName, containerPort: 8080, appProtocol: 'http' }] }],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

/** DescribeServices of one service that must be found (in any status). */
export async function describeService(c: Clients, cluster: string, name: string): Promise<Service> {
  const out = await c.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  const svc = out.services?.[0];
  if (!svc) throw new Error(`service ${name} not found`);
  return svc;
}

/** Waits until the service has one COMPLETED deployment with every task running. */
export function steady(c: Clients, cluster: string, name: string, timeoutMs?: number): Promise<Service> {
  return eventually(async () => {
    const svc = await describeService(c, cluster, name);
    const d = svc.deployments ?? [];
    return d.length === 1 && d[0]?.rolloutState === 'COMPLETED' && svc.runningCount === svc.desiredCount ? svc : undefined;
  }, timeoutMs);
}

/** The PRIMARY deployment of a described service. */
export function primaryOf(svc: Service): NonNullable<Service['deployments']>[number] | undefined {
  return svc.deployments?.find((d) => d.status === 'PRIMARY');
}
