/**
 * The plan: an ordered list of per-resource changes, each with its reason, its field-level
 * differences and the AWS steps that carry it out. Plain data, so it prints as JSON.
 */
import type { ResourceKey, ResourceKind } from '../manifests/model.js';
import type { FieldChange } from './diff.js';
import type { Hold } from './decision.js';
import type { Published } from './drains.js';
import type { Failure, JsonObject, TagMap } from './ports.js';

/** Where a service's task definition comes from: a TaskDefinition manifest, or an ARN / family[:revision] outside them. */
export type TaskDefinitionRef = { manifest: string; hash: string; family: string } | { external: string };

/** What a service write rolls out, so its rollout can be tracked and judged. */
export interface RolloutIntent {
  /** The desired spec rolled out (Service spec and task-definition content): a failure holds this spec. */
  specHash: string;
  /** Discovery names the configuration publishes; the rollout is done once Service Connect registered each. */
  discoveryNames: string[];
}

export type Step =
  | { op: 'createNamespace'; name: string; type: 'HTTP' | 'DNS_PRIVATE'; vpc?: string; description?: string; soaTtl?: number; tags: TagMap; creatorRequestId: string }
  | { op: 'updateNamespace'; id: string; name: string; type: 'HTTP' | 'DNS_PRIVATE'; description?: string; soaTtl?: number; updaterRequestId: string }
  | { op: 'tagCloudMap'; arn: string; add: TagMap; remove: string[] }
  | { op: 'createLogGroup'; name: string; tags: TagMap }
  | { op: 'putRetentionPolicy'; name: string; days: number; owner: string }
  | { op: 'tagLogGroup'; name: string; arn: string; tags: TagMap }
  | { op: 'registerTaskDefinition'; input: JsonObject; tags: TagMap; hash: string }
  | { op: 'createCluster'; input: JsonObject }
  | { op: 'updateCluster'; input: JsonObject }
  | { op: 'putClusterCapacityProviders'; input: JsonObject }
  | { op: 'tagEcs'; arn: string; add: TagMap; remove: string[] }
  /** Tags a task definition revision whose content is already the manifest's; `hash` is its new content hash. */
  | { op: 'tagTaskDefinition'; arn: string; add: TagMap; remove: string[]; hash: string }
  | { op: 'createService'; input: JsonObject; taskDefinition: TaskDefinitionRef; clientTokenSeed: string; rollout: RolloutIntent }
  | { op: 'updateService'; input: JsonObject; taskDefinition?: TaskDefinitionRef; arn: string; rollout?: RolloutIntent }
  /**
   * Waits until the DRAINING service of that name is INACTIVE (its name is free only then); runs
   * only when the pass waits (apply --wait), otherwise the resource is looked at again soon.
   */
  | { op: 'awaitDrain'; cluster: string; service: string }
  /** `daemon`: a DAEMON service is deleted as it is; a REPLICA one is scaled to 0 first. */
  | { op: 'deleteService'; cluster: string; service: string; daemon: boolean; published?: Published }
  | { op: 'deregisterTaskDefinitions'; arns: string[] }
  | { op: 'deleteNamespace'; id: string; name: string };

/** What the plan intends for one resource. */
export type PlannedOutcome = 'create' | 'update' | 'replace' | 'delete' | 'unchanged' | 'conflict' | 'blocked';

export interface ResourcePlan {
  /** `Kind/name`; log groups use the pseudo-kind `LogGroup`. */
  key: ResourceKey;
  kind: ResourceKind;
  name: string;
  outcome: PlannedOutcome;
  /** One sentence: why this outcome. */
  reason: string;
  changes: FieldChange[];
  steps: Step[];
  /** Keys whose steps must succeed first. */
  dependsOn: ResourceKey[];
  /** Execution order; resources in one phase may run concurrently. */
  phase: number;
  notes: string[];
  /** Set when the live state this resource depends on could not be read: it fails this pass and is retried. */
  error?: Failure;
  /** Why it is not written (blocked, conflict, replace refused) or not done (a rollout in progress), when it is not. */
  hold?: Hold;
  /** For a server that calls endpoints other servers add in this pass: when its tasks may start (see plan-endpoints). */
  endpointOrder?: EndpointOrder;
}

/**
 * Tasks resolve only the Service Connect endpoints that exist when they start, so a server that
 * calls an endpoint another server adds in the same pass is applied after that server's rollout is
 * ready; servers that call each other cannot be ordered, and are redeployed once all of their
 * rollouts are ready.
 */
export interface EndpointOrder {
  /** Servers whose rollouts must be ready before this resource's steps run (they are in `dependsOn` too). */
  after: ResourceKey[];
  /** Set for a server in a cycle of calls: a forceNewDeployment once the cycle's rollouts are ready. */
  redeploy?: {
    /** Every server of the cycle (this one included). */
    cycle: ResourceKey[];
    /** The endpoints of the others it calls (`dnsName:port`). */
    endpoints: string[];
  };
}

export interface Plan {
  resources: ResourcePlan[];
  /** Plan-wide notes: prune decisions, endpoints that running clients will not see, ... */
  notes: string[];
  /** Why resources this controller owns and no manifest declares were not deleted (only when there were some). */
  pruneRefused?: string;
}

/** Execution phases: creation in dependency order, deletion in reverse. */
export const Phase = {
  namespace: 0,
  cluster: 1,
  logGroup: 2,
  taskDefinition: 3,
  serverService: 4,
  clientService: 5,
  deleteService: 6,
  deregisterTaskDefinition: 7,
  deleteNamespace: 8,
} as const;

/** Whether a planned resource changes anything in AWS. */
export function isChange(r: ResourcePlan): boolean {
  return r.outcome === 'create' || r.outcome === 'update' || r.outcome === 'replace' || r.outcome === 'delete';
}
