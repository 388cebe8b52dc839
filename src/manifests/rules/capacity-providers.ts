/** Capacity provider strategies against the providers their declared Cluster has. */
import { ANNOTATION_ADOPT } from '../controller-tags.js';
import type { PathSegment } from '../problems.js';
import { AWS } from './aws-rules.js';
import type { DocOf, RuleContext } from './context.js';
import { quoteList } from './context.js';

/** A strategy item's provider by its short name (a strategy may name it by ARN). */
function shortName(ref: string): string {
  const i = ref.indexOf(':capacity-provider/');
  return i >= 0 ? ref.slice(i + ':capacity-provider/'.length) : ref;
}

/**
 * The providers a declared cluster has once converged, or undefined when validation cannot know:
 * a cluster the controller creates has exactly the ones it states (none when it states none), while
 * an adopted cluster that states none keeps whatever it already has.
 */
function providersOf(cluster: DocOf<'Cluster'>): string[] | undefined {
  const stated = cluster.resource.spec.capacityProviders;
  if (stated !== undefined) return stated.map(shortName);
  return cluster.resource.metadata.annotations?.[ANNOTATION_ADOPT] === 'true' ? undefined : [];
}

function checkStrategy(
  ctx: RuleContext,
  doc: DocOf<'Service'> | DocOf<'Cluster'>,
  path: PathSegment[],
  strategy: readonly { capacityProvider?: string }[],
  cluster: DocOf<'Cluster'>,
  providers: readonly string[],
): void {
  strategy.forEach((item, i) => {
    const name = item.capacityProvider;
    if (name === undefined || providers.includes(shortName(name))) return;
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
    const providers = providersOf(cluster);
    const strategy = cluster.resource.spec.defaultCapacityProviderStrategy;
    if (providers !== undefined && strategy !== undefined) checkStrategy(ctx, cluster, ['spec', 'defaultCapacityProviderStrategy'], strategy, cluster, providers);
  }
  for (const service of ctx.ofKind('Service')) {
    const strategy = service.resource.spec.capacityProviderStrategy;
    if (strategy === undefined) continue;
    const cluster = ctx.clusterNamed(service.resource.spec.cluster ?? 'default');
    const providers = cluster === undefined ? undefined : providersOf(cluster);
    if (cluster !== undefined && providers !== undefined) checkStrategy(ctx, service, ['spec', 'capacityProviderStrategy'], strategy, cluster, providers);
  }
}
