/** Name rules: what AWS accepts as a family, service, cluster, container or namespace name, and what fits in the controller's own tags. */
import type { LoadedDocument } from '../load.js';
import type { Kind } from '../model.js';
import type { PathSegment } from '../problems.js';
import { resourceTagValue } from '../controller-tags.js';
import { AWS, type AwsRule } from './aws-rules.js';
import type { DocOf, RuleContext } from './context.js';

/** Families, services, clusters and containers: up to 255 letters, numbers, underscores and hyphens. */
export const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** An HTTP namespace name (CreateHttpNamespace `Name`). */
const HTTP_NAMESPACE_NAME = /^(?!arn:)[!-~]{1,1024}$/;
/** A private DNS namespace name (CreatePrivateDnsNamespace `Name`). */
const PRIVATE_DNS_NAMESPACE_NAME = /^[!-~]{1,253}$/;

/** AWS's limit on a tag value, which the controller's `switchboard.dev/resource` value must respect too. */
export const MAX_TAG_VALUE = 256;

type AnyDoc = { resource: { key: string; kind: Kind; name: string }; document: LoadedDocument['document'] };

/** Whether the written spec sets `field` (rather than it defaulting to `metadata.name`). */
function written(doc: AnyDoc, field: string): boolean {
  const spec = doc.document.value.spec;
  return typeof spec === 'object' && spec !== null && field in spec;
}

function suggestion(name: string): string {
  const fixed = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
  return fixed === '' || fixed === name ? 'use up to 255 letters, digits, `_` and `-`' : `use e.g. \`${fixed}\``;
}

/** Checks an ECS name (family, service, cluster) against ECS's rule. */
function checkEcsName(ctx: RuleContext, doc: AnyDoc, field: string, value: string, rule: AwsRule, code: string): void {
  if (ECS_NAME.test(value)) return;
  const path: PathSegment[] = written(doc, field) ? ['spec', field] : ['metadata', 'name'];
  const from = written(doc, field) ? '' : ` (from \`metadata.name\`)`;
  ctx.violates(doc, code, path, rule, `${field} \`${value}\`${from} is not a valid name`, `${suggestion(value)}${written(doc, field) ? '' : `, or set \`spec.${field}\``}`);
}

/**
 * The controller tags everything it creates with `switchboard.dev/resource=<Kind>/<name>`; AWS
 * refuses a tag value over 256 characters, so a longer name could never be created.
 */
function checkResourceTagFits(ctx: RuleContext, doc: AnyDoc): void {
  const value = resourceTagValue(doc.resource.kind, doc.resource.name);
  if (value.length <= MAX_TAG_VALUE) return;
  ctx.violates(
    doc,
    'name-too-long',
    ['metadata', 'name'],
    AWS.tagValue,
    `\`metadata.name\` is ${doc.resource.name.length} characters: the controller tags the resource with switchboard.dev/resource=${doc.resource.kind}/<name>, ${value.length} characters`,
    `shorten the name to at most ${MAX_TAG_VALUE - doc.resource.kind.length - 1} characters`,
  );
}

/** A task definition's family. */
export function checkFamilyName(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  checkEcsName(ctx, doc, 'family', doc.resource.spec.family, AWS.family, 'family-invalid');
  checkResourceTagFits(ctx, doc);
}

/** Service, cluster and namespace names. */
export function checkNames(ctx: RuleContext): void {
  for (const doc of ctx.ofKind('Service')) {
    if (!ECS_NAME.test(doc.resource.name)) {
      ctx.violates(doc, 'service-name-invalid', ['metadata', 'name'], AWS.serviceName, `service name \`${doc.resource.name}\` is not valid`, suggestion(doc.resource.name));
    }
    checkResourceTagFits(ctx, doc);
  }
  for (const doc of ctx.ofKind('Cluster')) {
    checkEcsName(ctx, doc, 'clusterName', doc.resource.spec.clusterName, AWS.clusterName, 'cluster-name-invalid');
    checkResourceTagFits(ctx, doc);
  }
  for (const doc of ctx.ofKind('Namespace')) {
    const name = doc.resource.name;
    if (doc.resource.spec.type === 'DNS_PRIVATE' ? !PRIVATE_DNS_NAMESPACE_NAME.test(name) : !HTTP_NAMESPACE_NAME.test(name)) {
      const privateDns = doc.resource.spec.type === 'DNS_PRIVATE';
      ctx.violates(
        doc,
        'namespace-name-invalid',
        ['metadata', 'name'],
        privateDns ? AWS.privateDnsNamespaceName : AWS.httpNamespaceName,
        `namespace name \`${name}\` is not valid for a ${doc.resource.spec.type} namespace`,
        privateDns ? 'use a DNS domain name of at most 253 characters' : 'use at most 1024 printable characters, not starting with `arn:`',
      );
    }
    checkResourceTagFits(ctx, doc);
  }
}
