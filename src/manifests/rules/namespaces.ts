/** Rules for Namespace and Cluster manifests, and for resources declared twice. */
import type { RuleContext } from './context.js';
import { where } from './context.js';
import { checkNamespaceReference } from './services.js';

/** A `kind/name` declared more than once: every occurrence is reported, each pointing at the first. */
export function checkDuplicates(ctx: RuleContext): void {
  const first = new Map<string, (typeof ctx.documents)[number]>();
  const reportedFirst = new Set<string>();
  for (const doc of ctx.documents) {
    const prior = first.get(doc.resource.key);
    if (prior === undefined) {
      first.set(doc.resource.key, doc);
      continue;
    }
    const hint = 'each kind/name may be declared once across all manifests; rename or remove one';
    if (!reportedFirst.has(doc.resource.key)) {
      reportedFirst.add(doc.resource.key);
      ctx.report(prior, 'error', 'duplicate-resource', ['metadata', 'name'], `${doc.resource.key} is declared more than once (also at ${where(doc, ['metadata', 'name'])})`, hint);
    }
    ctx.report(doc, 'error', 'duplicate-resource', ['metadata', 'name'], `${doc.resource.key} is declared more than once (first at ${where(prior, ['metadata', 'name'])})`, hint);
  }
}

/** Namespace type rules (CreatePrivateDnsNamespace needs a VPC; CreateHttpNamespace takes none) and cluster defaults. */
export function checkNamespacesAndClusters(ctx: RuleContext): void {
  for (const doc of ctx.ofKind('Namespace')) {
    const spec = doc.resource.spec;
    if (spec.type === 'DNS_PRIVATE' && spec.vpc === undefined) {
      // https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html
      ctx.report(doc, 'error', 'namespace-vpc-missing', ['spec', 'type'], 'a DNS_PRIVATE namespace needs `vpc`', 'add `vpc: vpc-…`, or use `type: HTTP` (enough for Service Connect)');
    } else if (spec.type === 'HTTP' && spec.vpc !== undefined) {
      ctx.report(doc, 'error', 'namespace-vpc-unexpected', ['spec', 'vpc'], 'an HTTP namespace has no VPC', 'remove `vpc`, or use `type: DNS_PRIVATE`');
    }
    // CreateHttpNamespace takes no Properties: https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateHttpNamespace.html
    if (spec.type === 'HTTP' && spec.properties !== undefined) {
      ctx.report(doc, 'error', 'namespace-properties-unexpected', ['spec', 'properties'], 'an HTTP namespace has no DNS properties (SOA record)', 'remove `properties`, or use `type: DNS_PRIVATE`', { key: true });
    }
  }
  for (const doc of ctx.ofKind('Cluster')) {
    const ns = doc.resource.spec.serviceConnectDefaults?.namespace;
    if (ns !== undefined && ns !== '') checkNamespaceReference(ctx, doc, ['spec', 'serviceConnectDefaults', 'namespace'], ns);
  }
}
