/** Number rules: every port in its range, health checks, timeouts, counts and percentages within what AWS accepts. */
import type { PathSegment } from '../problems.js';
import { AWS, type AwsRule } from './aws-rules.js';
import type { DocOf, RuleContext } from './context.js';

type AnyDoc = DocOf<'TaskDefinition'> | DocOf<'Service'> | DocOf<'Cluster'>;

const MAX_PORT = 65535;
/** The most `containerPortRange` mappings one container may have. */
const MAX_PORT_RANGES = 100;

/** Reports `value` at `path` unless it lies in [min, max]. */
function inRange(ctx: RuleContext, doc: AnyDoc, path: PathSegment[], value: number | undefined, min: number, max: number, rule: AwsRule, code: string): void {
  if (value === undefined || (value >= min && value <= max)) return;
  const field = String(path[path.length - 1]);
  ctx.violates(doc, code, path, rule, `\`${field}: ${value}\` is out of range`, `use a value from ${min} to ${max}`);
}

/** `"8000-8010"` → [8000, 8010]; undefined when not of that form. */
function parsePortRange(range: string): [number, number] | undefined {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(range);
  return m?.[1] === undefined || m[2] === undefined ? undefined : [Number(m[1]), Number(m[2])];
}

/** Ports of port mappings, port ranges, health checks and ephemeral storage of one task definition. */
export function checkTaskDefinitionNumbers(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  const spec = doc.resource.spec;
  const pinnedHostPorts = spec.networkMode === 'awsvpc' || spec.networkMode === 'host';
  spec.containerDefinitions.forEach((c, ci) => {
    const base: PathSegment[] = ['spec', 'containerDefinitions', ci];
    let ranges = 0;
    (c.portMappings ?? []).forEach((pm, pi) => {
      const at: PathSegment[] = [...base, 'portMappings', pi];
      inRange(ctx, doc, [...at, 'containerPort'], pm.containerPort, 0, MAX_PORT, AWS.containerPort, 'port-out-of-range');
      inRange(ctx, doc, [...at, 'hostPort'], pm.hostPort, 0, MAX_PORT, AWS.hostPort, 'port-out-of-range');
      if (pinnedHostPorts && pm.hostPort !== undefined && pm.containerPort !== undefined && pm.hostPort !== pm.containerPort) {
        ctx.violates(doc, 'host-port-mismatch', [...at, 'hostPort'], AWS.pinnedHostPort, `\`hostPort: ${pm.hostPort}\` differs from \`containerPort: ${pm.containerPort}\` under \`networkMode: ${spec.networkMode}\``, 'remove `hostPort`, or set it to the container port');
      }
      if (pm.containerPortRange === undefined) {
        if (pm.containerPort === undefined) ctx.violates(doc, 'port-missing', at, AWS.containerPort, 'the port mapping has neither `containerPort` nor `containerPortRange`', 'add `containerPort:`');
        return;
      }
      ranges += 1;
      const range = parsePortRange(pm.containerPortRange);
      const rangePath = [...at, 'containerPortRange'];
      if (range === undefined || range[0] < 1 || range[1] > MAX_PORT || range[0] >= range[1]) {
        ctx.violates(doc, 'port-range-invalid', rangePath, AWS.containerPortRange, `\`containerPortRange: ${pm.containerPortRange}\` is not a valid port range`, 'write `FIRST-LAST` with 1 ≤ FIRST < LAST ≤ 65535, e.g. `8000-8010`');
      } else if (spec.networkMode !== 'awsvpc' && spec.networkMode !== 'bridge') {
        ctx.violates(doc, 'port-range-network-mode', rangePath, AWS.containerPortRange, `\`containerPortRange\` needs \`networkMode: awsvpc\` or \`bridge\`, not ${spec.networkMode ?? 'the default'}`, 'set `networkMode: awsvpc` or `bridge`');
      } else if (ranges === MAX_PORT_RANGES + 1) {
        ctx.violates(doc, 'port-range-limit', rangePath, AWS.containerPortRange, `container \`${c.name ?? `#${ci}`}\` has more than ${MAX_PORT_RANGES} port ranges`, 'merge adjacent ranges');
      }
    });
    const hc = c.healthCheck;
    if (hc !== undefined) {
      const at: PathSegment[] = [...base, 'healthCheck'];
      inRange(ctx, doc, [...at, 'interval'], hc.interval, 5, 300, AWS.healthCheckInterval, 'health-check-out-of-range');
      inRange(ctx, doc, [...at, 'timeout'], hc.timeout, 2, 60, AWS.healthCheckTimeout, 'health-check-out-of-range');
      inRange(ctx, doc, [...at, 'retries'], hc.retries, 1, 10, AWS.healthCheckRetries, 'health-check-out-of-range');
      inRange(ctx, doc, [...at, 'startPeriod'], hc.startPeriod, 0, 300, AWS.healthCheckStartPeriod, 'health-check-out-of-range');
    }
  });
  inRange(ctx, doc, ['spec', 'ephemeralStorage', 'sizeInGiB'], spec.ephemeralStorage?.sizeInGiB, 21, 200, AWS.ephemeralStorage, 'ephemeral-storage-out-of-range');
}

const INT32_MAX = 2147483647;

/** Service Connect ports and timeouts, load balancer ports, capacity provider weights, deployment percentages. */
/** A capacity provider strategy's `weight` 0–1000 and `base` 0–100000 (a Service's, or a Cluster's default). */
export function checkStrategyNumbers(ctx: RuleContext, doc: DocOf<'Service'> | DocOf<'Cluster'>, path: PathSegment[], strategy: readonly { weight?: number; base?: number }[] | undefined): void {
  (strategy ?? []).forEach((item, i) => {
    inRange(ctx, doc, [...path, i, 'weight'], item.weight, 0, 1000, AWS.capacityProviderWeight, 'capacity-provider-out-of-range');
    inRange(ctx, doc, [...path, i, 'base'], item.base, 0, 100000, AWS.capacityProviderBase, 'capacity-provider-out-of-range');
  });
}

export function checkServiceNumbers(ctx: RuleContext, doc: DocOf<'Service'>): void {
  const spec = doc.resource.spec;
  (spec.serviceConnectConfiguration?.services ?? []).forEach((svc, i) => {
    const base: PathSegment[] = ['spec', 'serviceConnectConfiguration', 'services', i];
    (svc.clientAliases ?? []).forEach((alias, ai) => inRange(ctx, doc, [...base, 'clientAliases', ai, 'port'], alias.port, 0, MAX_PORT, AWS.clientAliasPort, 'port-out-of-range'));
    inRange(ctx, doc, [...base, 'ingressPortOverride'], svc.ingressPortOverride, 0, MAX_PORT, AWS.ingressPortOverride, 'port-out-of-range');
    inRange(ctx, doc, [...base, 'timeout', 'idleTimeoutSeconds'], svc.timeout?.idleTimeoutSeconds, 0, INT32_MAX, AWS.timeout, 'timeout-out-of-range');
    inRange(ctx, doc, [...base, 'timeout', 'perRequestTimeoutSeconds'], svc.timeout?.perRequestTimeoutSeconds, 0, INT32_MAX, AWS.timeout, 'timeout-out-of-range');
  });
  (spec.loadBalancers ?? []).forEach((lb, i) => inRange(ctx, doc, ['spec', 'loadBalancers', i, 'containerPort'], lb.containerPort, 0, MAX_PORT, AWS.containerPort, 'port-out-of-range'));
  checkStrategyNumbers(ctx, doc, ['spec', 'capacityProviderStrategy'], spec.capacityProviderStrategy);
  inRange(ctx, doc, ['spec', 'healthCheckGracePeriodSeconds'], spec.healthCheckGracePeriodSeconds, 0, INT32_MAX, AWS.nonNegative, 'negative-number');
  const dc = spec.deploymentConfiguration;
  inRange(ctx, doc, ['spec', 'deploymentConfiguration', 'minimumHealthyPercent'], dc?.minimumHealthyPercent, 0, INT32_MAX, AWS.nonNegative, 'negative-number');
  if (spec.schedulingStrategy === 'DAEMON') {
    inRange(ctx, doc, ['spec', 'deploymentConfiguration', 'maximumPercent'], dc?.maximumPercent, 0, 100, AWS.daemonMaximumPercent, 'deployment-percent-out-of-range');
  } else {
    inRange(ctx, doc, ['spec', 'deploymentConfiguration', 'maximumPercent'], dc?.maximumPercent, 0, INT32_MAX, AWS.nonNegative, 'negative-number');
  }
}
