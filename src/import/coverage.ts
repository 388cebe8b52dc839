/**
 * Which fields of live state a manifest written by `import` states, and which it leaves out (with
 * a comment naming the field and its live value). Read from the coverage contract
 * (src/manifests/coverage/table.ts), the one classification of every manifest field: a reconciled
 * or create-only field is written, anything else is left out. Service Connect follows what
 * `canonicalServiceConnect` keeps; task definitions are written whole, as their whole canonical
 * form is compared. Pure.
 */
import { COVERAGE, type FieldRule } from '../manifests/coverage/table.js';

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

function importedField(rule: FieldRule): ImportedField {
  const where = { ...(rule.liveName === undefined ? {} : { liveName: rule.liveName }), ...(rule.live === 'primary' ? { onDeployment: true } : {}) };
  switch (rule.class) {
    case 'reconciled':
      return { coverage: 'reconciled', ...where };
    case 'create-only':
      return { coverage: 'replace', ...where };
    case 'unreconciled':
      return { coverage: 'unreconciled', ...where, reason: 'not reconciled' };
    case 'refused':
      return { coverage: 'unreconciled', ...where, reason: 'not supported' };
    default: {
      const never: never = rule.class;
      throw new Error(`unknown field class ${String(never)}`);
    }
  }
}

function fieldsOf(kind: 'Service' | 'Cluster', fields: readonly string[]): Readonly<Record<string, ImportedField>> {
  return Object.fromEntries(
    fields.map((f) => {
      const rule = COVERAGE[kind][f];
      if (rule === undefined) throw new Error(`${kind} field ${f} has no coverage rule`);
      return [f, importedField(rule)];
    }),
  );
}

/** Service fields `import` writes itself: `cluster`, `taskDefinition`, `serviceConnectConfiguration` and `tags`. */
export const SERVICE_WRITTEN_APART: readonly string[] = ['cluster', 'taskDefinition', 'serviceConnectConfiguration', 'tags'];

/** The other Service spec fields, in the order they are written. */
export const SERVICE_FIELDS: Readonly<Record<string, ImportedField>> = fieldsOf('Service', [
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'schedulingStrategy',
  'desiredCount',
  'role',
  'networkConfiguration',
  'loadBalancers',
  'serviceRegistries',
  'healthCheckGracePeriodSeconds',
  'deploymentController',
  'deploymentConfiguration',
  'placementConstraints',
  'placementStrategy',
  'availabilityZoneRebalancing',
  'propagateTags',
  'enableECSManagedTags',
  'enableExecuteCommand',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
  'gatewayConnectors',
  'monitoring',
]);

/** Cluster fields `import` writes itself: `clusterName` (the manifest name), `settings`, `serviceConnectDefaults`, `tags`. */
export const CLUSTER_WRITTEN_APART: readonly string[] = ['clusterName', 'settings', 'serviceConnectDefaults', 'tags'];

/** The other Cluster spec fields, read from the described cluster, in the order they are written. */
export const CLUSTER_FIELDS: Readonly<Record<string, ImportedField>> = fieldsOf('Cluster', ['capacityProviders', 'defaultCapacityProviderStrategy', 'configuration']);

/** Whether a manifest written from live state states the field. */
export function isStated(field: ImportedField): boolean {
  return field.coverage !== 'unreconciled';
}
