/**
 * Which fields of live state a manifest written by `import` states, and which it leaves out (with
 * a comment naming the field and its live value). The one place that decision is made: it
 * follows what the planner compares today (src/reconcile/plan-service.ts and plan-cluster.ts;
 * whatever `canonicalServiceConnect` keeps for Service Connect; every task-definition field, as
 * its whole canonical form is compared), and a field-coverage table can replace the data below
 * without changing its callers. Pure.
 */

/**
 * `reconciled`: compared with live state and updated in place. `replace`: compared, and a
 * difference recreates the resource. `unreconciled`: set at creation at most, never compared: a
 * manifest stating it would promise what the controller does not keep.
 */
export type FieldCoverage = 'reconciled' | 'replace' | 'unreconciled';

/** Where `import` reads a field and how the planner treats it. */
export interface ImportedField {
  coverage: FieldCoverage;
  /** The member of the described resource that holds the live value, when its name differs. */
  liveName?: string;
  /** Read from the PRIMARY deployment instead of the Service object (where AWS returns it). */
  onDeployment?: boolean;
  /** Why an unreconciled field is left out, for the comment. */
  reason?: string;
}

/**
 * The Service spec fields besides `cluster`, `taskDefinition`, `serviceConnectConfiguration` and
 * `tags`, which `import` writes itself. Order is the order they are written in.
 */
export const SERVICE_FIELDS: Readonly<Record<string, ImportedField>> = {
  launchType: { coverage: 'replace' },
  capacityProviderStrategy: { coverage: 'reconciled' },
  platformVersion: { coverage: 'reconciled' },
  schedulingStrategy: { coverage: 'replace' },
  desiredCount: { coverage: 'reconciled' },
  role: { coverage: 'replace', liveName: 'roleArn' },
  networkConfiguration: { coverage: 'reconciled' },
  loadBalancers: { coverage: 'reconciled' },
  serviceRegistries: { coverage: 'reconciled' },
  healthCheckGracePeriodSeconds: { coverage: 'reconciled' },
  deploymentController: { coverage: 'reconciled' },
  deploymentConfiguration: { coverage: 'reconciled' },
  placementConstraints: { coverage: 'reconciled' },
  placementStrategy: { coverage: 'reconciled' },
  availabilityZoneRebalancing: { coverage: 'reconciled' },
  propagateTags: { coverage: 'reconciled' },
  enableECSManagedTags: { coverage: 'reconciled' },
  enableExecuteCommand: { coverage: 'reconciled' },
  // AWS returns these on deployments only (botocore `Service` has no such members; `Deployment`
  // has): the planner compares them with the PRIMARY deployment's.
  volumeConfigurations: { coverage: 'reconciled', onDeployment: true },
  vpcLatticeConfigurations: { coverage: 'reconciled', onDeployment: true },
  // Accepted by CreateService, not returned by DescribeServices, not compared.
  gatewayConnectors: { coverage: 'unreconciled', reason: 'not reconciled' },
  monitoring: { coverage: 'unreconciled', reason: 'not reconciled' },
};

/**
 * Fields of a described cluster besides `settings`, `serviceConnectDefaults` and `tags` (which
 * `import` writes itself): left out, as nothing compares them.
 */
export const CLUSTER_FIELDS: Readonly<Record<string, ImportedField>> = {
  configuration: { coverage: 'unreconciled', reason: 'not reconciled' },
  capacityProviders: { coverage: 'unreconciled', reason: 'not a Cluster manifest field' },
  defaultCapacityProviderStrategy: { coverage: 'unreconciled', reason: 'not a Cluster manifest field' },
};

/** Whether a manifest written from live state states the field. */
export function isStated(field: ImportedField): boolean {
  return field.coverage !== 'unreconciled';
}
