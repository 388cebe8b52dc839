import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FleetOptions {
  services: number;
  namespaces?: number;
  clusters?: number;
  /** Container image tag, to make changes. */
  imageTag?: string;
}

/** The cluster a fleet service `i` runs in. */
export function fleetCluster(i: number, clusters: number): string {
  return `fleet-${i % clusters}`;
}

/**
 * Writes a fleet of Service Connect services (each with its task definition) spread over a few
 * namespaces and clusters, one file per service, plus the namespaces and clusters.
 */
export function writeFleet(dir: string, options: FleetOptions): void {
  const namespaces = options.namespaces ?? 2;
  const clusters = options.clusters ?? 1;
  mkdirSync(path.join(dir, 'services'), { recursive: true });
  const head = 'apiVersion: switchboard.dev/v1alpha1\n';
  const infra: string[] = [];
  for (let n = 0; n < namespaces; n++) infra.push(`${head}kind: Namespace\nmetadata:\n  name: fleet-ns-${n}\nspec:\n  type: HTTP\n`);
  for (let c = 0; c < clusters; c++) infra.push(`${head}kind: Cluster\nmetadata:\n  name: fleet-${c}\nspec: {}\n`);
  writeFileSync(path.join(dir, 'infra.yaml'), infra.join('---\n'));
  for (let i = 0; i < options.services; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const ns = `fleet-ns-${i % namespaces}`;
    const td = `${head}kind: TaskDefinition
metadata:
  name: ${name}
spec:
  requiresCompatibilities: [FARGATE]
  networkMode: awsvpc
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: app
      image: public.ecr.aws/nginx/nginx:${options.imageTag ?? '1.27'}
      portMappings:
        - name: http
          containerPort: 8080
          appProtocol: http
`;
    const svc = `${head}kind: Service
metadata:
  name: ${name}
spec:
  cluster: ${fleetCluster(i, clusters)}
  taskDefinition: ${name}
  desiredCount: 1
  launchType: FARGATE
  networkConfiguration:
    awsvpcConfiguration:
      subnets: [subnet-0123456789abcdef0]
      securityGroups: [sg-0123456789abcdef0]
  serviceConnectConfiguration:
    enabled: true
    namespace: ${ns}
    services:
      - portName: http
        discoveryName: ${name}
        clientAliases:
          - port: 8080
`;
    writeFileSync(path.join(dir, 'services', `${name}.yaml`), `${td}---\n${svc}`);
  }
}
