/** Capacity provider strategies against the providers their declared Cluster has; a Cluster's default strategy's numbers. */
import type { PathSegment } from '../problems.js';
import { AWS } from './aws-rules.js';
import type { DocOf, RuleContext } from './context.js';
import { quoteList } from './context.js';
import { checkStrategyNumbers } from './numbers.js';

/** A strategy item's provider by its short name (a strategy may name it by ARN). */
function shortName(ref: string): string {
  const i = ref.indexOf(':capacity-provider/');
  return i >= 0 ? ref.slice(i + ':capacity-provider/'.length) : ref;
}

/**
 * The providers a declared cluster has once converged, or undefined when validation cannot know:
 * the controller puts exactly the ones a manifest states (PutClusterCapacityProviders), while a
 * cluster whose manifest states none keeps whatever it has in AWS (none if the controller creates it).
 */
function providersOf(cluster: DocOf<'Cluster'>): string[] | undefined {
  return cluster.resource.spec.capacityProviders?.map(shortName);
}

function checkStrategy(
  ctx: RuleContext,
  doc: DocOf<'Service'> | DocOf<'Cluster'>,
  path: PathSegment[],
  strategy: readonly { capacityProvider?: string }[],
  cluster: DocOf<'Cluster'>,
): void {
  const providers = providersOf(cluster);
  strategy.forEach((item, i) => {
    const name = item.capacityProvider;
    if (name === undefined || providers?.includes(shortName(name))) return;
    if (providers === undefined) {
      ctx.report(
        doc,
        'warning',
        'capacity-provider-unstated',
        [...path, i, 'capacityProvider'],
        `capacity provider \`${name}\` must already be associated with ${cluster.resource.key} in AWS: its manifest states no \`capacityProviders\`, and a cluster the controller creates has none`,
        `add \`capacityProviders: [${name}]\` to ${cluster.resource.key}`,
      );
      return;
    }
    // AWS refuses it: "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster."
    ctx.violates(
      doc,
      'capacity-provider-not-associated',
      [...path, i, 'capacityProvider'],
      AWS.capacityProviderAssociated,
      `capacity provider \`${name}\` is not one of ${cluster.resource.key}'s \`capacityProviders\` (${quoteList(providers)})`,
      `add \`${name}\` to \`capacityProviders\` of ${cluster.resource.key}, or use a provider it has`,
    );
  });
}

/** A Cluster's default strategy and every Service's strategy name only providers of the declared cluster. */
export function checkCapacityProviders(ctx: RuleContext): void {
  for (const cluster of ctx.ofKind('Cluster')) {
    const strategy = cluster.resource.spec.defaultCapacityProviderStrategy;
    checkStrategyNumbers(ctx, cluster, ['spec', 'defaultCapacityProviderStrategy'], strategy);
    if (strategy !== undefined) checkStrategy(ctx, cluster, ['spec', 'defaultCapacityProviderStrategy'], strategy, cluster);
  }
  for (const service of ctx.ofKind('Service')) {
    const strategy = service.resource.spec.capacityProviderStrategy;
    const cluster = ctx.clusterNamed(service.resource.spec.cluster ?? 'default');
    if (strategy !== undefined && cluster !== undefined) checkStrategy(ctx, service, ['spec', 'capacityProviderStrategy'], strategy, cluster);
  }
}
