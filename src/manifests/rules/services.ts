/** Rules that follow a Service's references: its task definition, its Service Connect namespace and ports, Fargate, logs. */
import type { ServiceSpec } from '../model.js';
import type { PathSegment } from '../problems.js';
import { closest } from '../suggest.js';
import { longestTaskDefinitionTagValue, TAG_TASK_DEFINITION } from '../controller-tags.js';
import { AWS } from './aws-rules.js';
import type { DocOf, RuleContext } from './context.js';
import { quoteList, where } from './context.js';
import { MAX_TAG_VALUE } from './names.js';
import { checkServiceNumbers } from './numbers.js';
import { checkFargate, checkLogConfiguration, portMappings, PORT_NAME } from './task-definitions.js';

/** An existing task definition named explicitly: `family:revision` or a task definition ARN. */
const EXTERNAL_TASK_DEFINITION = /^([A-Za-z0-9_-]{1,255}:\d+|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}(:\d+)?)$/;

/** A Cloud Map namespace ARN. */
const NAMESPACE_ARN = /^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:namespace\/ns-[a-z0-9]+$/;

/** A plausible Cloud Map namespace name (HTTP names are up to 1024 printable characters; DNS names are hostnames). */
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,1023}$/;

/** Names Service Connect accepts for `discoveryName` (ECS API reference, ServiceConnectService). */
const DISCOVERY_NAME = PORT_NAME;

/** A client alias `dnsName`: up to 127 of `a-z 0-9 _ - .`, not starting with `-`, no empty label. */
const ALIAS_DNS_NAME = /^(?=.{1,127}$)(?!-)[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/** A Service Connect endpoint claimed in a namespace, remembered to find collisions. */
interface Claim {
  doc: DocOf<'Service'>;
  path: PathSegment[];
}

/** The Service Connect namespace a reference resolves to: a declared Namespace's name, or the external name/ARN as written. */
export function checkNamespaceReference(
  ctx: RuleContext,
  doc: DocOf<'Service'> | DocOf<'Cluster'>,
  path: PathSegment[],
  ref: string,
): string | undefined {
  if (ctx.find('Namespace', ref) !== undefined || NAMESPACE_ARN.test(ref)) return ref;
  const declared = ctx.ofKind('Namespace').map((d) => d.resource.name);
  const guess = closest(ref, declared);
  if (guess !== undefined) {
    ctx.report(doc, 'error', 'namespace-unknown', path, `namespace \`${ref}\` is not declared`, `did you mean \`${guess}\`? Declared namespaces: ${quoteList(declared)}`);
    return undefined;
  }
  if (!NAMESPACE_NAME.test(ref)) {
    ctx.report(doc, 'error', 'namespace-invalid', path, `\`${ref}\` is neither a namespace name nor a Cloud Map namespace ARN`, 'use a Namespace manifest name, an existing namespace name, or arn:aws:servicediscovery:<region>:<account>:namespace/ns-…');
    return undefined;
  }
  // An existing namespace outside these manifests, as far as validation can tell.
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterServiceConnectDefaultsRequest.html
  ctx.report(
    doc,
    'warning',
    'namespace-external',
    path,
    doc.resource.kind === 'Cluster'
      ? `namespace \`${ref}\` is not declared in these manifests: it must already exist in AWS, or ECS creates an HTTP namespace of that name that this controller does not manage`
      : `namespace \`${ref}\` is not declared in these manifests: it must already exist in AWS (Cloud Map), or ECS refuses the service with NamespaceNotFoundException`,
    `declare it with a Namespace manifest named \`${ref}\`, or reference it by ARN`,
  );
  return ref;
}

function checkTaskDefinitionReference(ctx: RuleContext, doc: DocOf<'Service'>): DocOf<'TaskDefinition'> | undefined {
  const ref = doc.resource.spec.taskDefinition;
  if (ref === undefined) {
    ctx.report(doc, 'error', 'task-definition-missing', ['spec'], 'missing `taskDefinition`', 'name a TaskDefinition manifest, or an existing one as family:revision or an ARN');
    return undefined;
  }
  const declared = ctx.find('TaskDefinition', ref);
  if (declared !== undefined || EXTERNAL_TASK_DEFINITION.test(ref)) return declared;
  const names = ctx.ofKind('TaskDefinition').map((d) => d.resource.name);
  const guess = closest(ref, names);
  ctx.report(
    doc,
    'error',
    'task-definition-unknown',
    ['spec', 'taskDefinition'],
    `task definition \`${ref}\` is not declared`,
    `${guess !== undefined ? `did you mean \`${guess}\`? ` : ''}declare a TaskDefinition named \`${ref}\`, or reference an existing one explicitly as \`${ref}:<revision>\` or by ARN`,
  );
  return undefined;
}

/**
 * A service running a declared task definition is tagged `switchboard.dev/task-definition=<hash>@<family>:<revision>`;
 * AWS refuses a tag value over 256 characters, so the family must leave room for it.
 */
function checkTaskDefinitionTagFits(ctx: RuleContext, td: DocOf<'TaskDefinition'>): void {
  const family = td.resource.spec.family;
  const longest = longestTaskDefinitionTagValue(family);
  if (longest <= MAX_TAG_VALUE) return;
  ctx.violates(
    td,
    'name-too-long',
    td.document.value.spec !== null && typeof td.document.value.spec === 'object' && 'family' in td.document.value.spec ? ['spec', 'family'] : ['metadata', 'name'],
    AWS.tagValue,
    `family is ${family.length} characters: the services that run it are tagged ${TAG_TASK_DEFINITION}=<hash>@<family>:<revision>, up to ${longest} characters`,
    `shorten the family to at most ${family.length - (longest - MAX_TAG_VALUE)} characters`,
  );
}

function runsOnFargate(spec: ServiceSpec): boolean {
  return spec.launchType === 'FARGATE' || (spec.capacityProviderStrategy ?? []).some((s) => s.capacityProvider === 'FARGATE' || s.capacityProvider === 'FARGATE_SPOT');
}

/** The namespace a service's Service Connect uses: its own, else its declared cluster's default. */
function serviceNamespace(ctx: RuleContext, doc: DocOf<'Service'>): string | undefined {
  const sc = doc.resource.spec.serviceConnectConfiguration;
  if (sc?.namespace !== undefined) return checkNamespaceReference(ctx, doc, ['spec', 'serviceConnectConfiguration', 'namespace'], sc.namespace);
  const clusterName = doc.resource.spec.cluster ?? 'default';
  const cluster = ctx.clusterNamed(clusterName);
  const fallback = cluster?.resource.spec.serviceConnectDefaults?.namespace;
  if (cluster !== undefined && (fallback === undefined || fallback === '')) {
    ctx.report(doc, 'error', 'namespace-missing', ['spec', 'serviceConnectConfiguration'], `Service Connect needs a namespace and Cluster/${cluster.resource.name} has no \`serviceConnectDefaults.namespace\``, 'set `serviceConnectConfiguration.namespace`');
  }
  return fallback === '' ? undefined : fallback;
}

/** Checks every Service, and the endpoints they claim across namespaces. */
export function checkServices(ctx: RuleContext): void {
  const discovery = new Map<string, Claim>();
  const aliases = new Map<string, Claim>();
  const fargateChecked = new Set<string>();
  const tagChecked = new Set<string>();
  for (const doc of ctx.ofKind('Service')) {
    const spec = doc.resource.spec;
    checkServiceNumbers(ctx, doc);
    const td = checkTaskDefinitionReference(ctx, doc);
    if (td !== undefined && !tagChecked.has(td.resource.key)) {
      tagChecked.add(td.resource.key);
      checkTaskDefinitionTagFits(ctx, td);
    }
    if (td !== undefined && runsOnFargate(spec) && !td.resource.spec.requiresCompatibilities?.includes('FARGATE') && !fargateChecked.has(td.resource.key)) {
      fargateChecked.add(td.resource.key);
      checkFargate(ctx, td, `${doc.resource.key} runs it on Fargate`);
    }
    const sc = spec.serviceConnectConfiguration;
    if (sc === undefined || !sc.enabled) continue;
    const scPath: PathSegment[] = ['spec', 'serviceConnectConfiguration'];
    const controller = spec.deploymentController?.type;
    if (controller !== undefined && controller !== 'ECS') {
      // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html
      ctx.violates(doc, 'service-connect-deployment-controller', ['spec', 'deploymentController', 'type'], AWS.serviceConnectController, `Service Connect requires the ECS deployment controller, not ${controller}`, 'remove `deploymentController` or set `type: ECS`');
    }
    if (sc.logConfiguration !== undefined) checkLogConfiguration(ctx, doc, [...scPath, 'logConfiguration'], sc.logConfiguration, td?.resource.spec);
    if (sc.accessLogConfiguration !== undefined && sc.logConfiguration === undefined) {
      ctx.violates(doc, 'access-log-without-log-configuration', [...scPath, 'accessLogConfiguration'], AWS.accessLogNeedsLogConfiguration, '`accessLogConfiguration` is set without `logConfiguration`', 'add `logConfiguration` (e.g. the awslogs driver) next to it', { key: true });
    }
    const namespace = serviceNamespace(ctx, doc);
    const ports = td === undefined ? undefined : portMappings(td.resource.spec);
    (sc.services ?? []).forEach((svc, i) => {
      const base: PathSegment[] = [...scPath, 'services', i];
      let appProtocol: string | undefined;
      if (ports !== undefined && td !== undefined) {
        if (!ports.named.has(svc.portName)) {
          const names = [...ports.named.keys()];
          const guess = closest(svc.portName, names);
          const unnamed = ports.unnamed[0];
          ctx.report(
            doc,
            'error',
            'port-name-unknown',
            [...base, 'portName'],
            `portName \`${svc.portName}\` matches no named port mapping in ${td.resource.key} (named port mappings: ${quoteList(names)})`,
            guess !== undefined
              ? `did you mean \`${guess}\`?`
              : unnamed !== undefined
                ? `the port mapping for containerPort ${unnamed.containerPort ?? '?'} in container \`${unnamed.container}\` has no \`name\`; Service Connect can only use named port mappings: add \`name: ${svc.portName}\` to it`
                : `add a port mapping with \`name: ${svc.portName}\` to a container of ${td.resource.key}`,
          );
        } else {
          appProtocol = ports.named.get(svc.portName);
        }
      }
      if (svc.timeout?.perRequestTimeoutSeconds !== undefined && ports?.named.has(svc.portName) && appProtocol === undefined) {
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TimeoutConfiguration.html
        ctx.violates(
          doc,
          'per-request-timeout-tcp',
          [...base, 'timeout', 'perRequestTimeoutSeconds'],
          AWS.perRequestTimeoutTcp,
          `\`perRequestTimeoutSeconds\` is not allowed for TCP: port mapping \`${svc.portName}\` has no \`appProtocol\``,
          'set `appProtocol: http`, `http2` or `grpc` on the port mapping, or remove `perRequestTimeoutSeconds`',
        );
      }
      const discoveryName = svc.discoveryName ?? svc.portName;
      if (svc.discoveryName !== undefined && !DISCOVERY_NAME.test(svc.discoveryName)) {
        ctx.violates(doc, 'discovery-name-invalid', [...base, 'discoveryName'], AWS.discoveryName, `discoveryName \`${svc.discoveryName}\` is not valid`, 'use up to 64 lowercase letters, digits, `_` and `-`, not starting with `-`');
      }
      const aliasesOf = svc.clientAliases ?? [];
      if (aliasesOf.length > 1) {
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html ("Each service can have one client alias")
        ctx.violates(doc, 'client-alias-limit', [...base, 'clientAliases', 1], AWS.clientAliasCount, `a Service Connect service may have at most one client alias, found ${aliasesOf.length}`, 'keep one alias; add another `services[]` entry for another port');
      }
      aliasesOf.forEach((alias, ai) => {
        if (alias.dnsName !== undefined && !ALIAS_DNS_NAME.test(alias.dnsName)) {
          ctx.violates(doc, 'client-alias-dns-name-invalid', [...base, 'clientAliases', ai, 'dnsName'], AWS.clientAliasDnsName, `dnsName \`${alias.dnsName}\` is not valid`, 'use a DNS name of lowercase letters, digits, `_`, `-` and `.`, e.g. `orders` or `orders.shop`');
        }
      });
      if (namespace === undefined) return;
      const dPath = [...base, svc.discoveryName === undefined ? 'portName' : 'discoveryName'];
      const dKey = `${namespace}\u0000${discoveryName}`;
      const first = discovery.get(dKey);
      if (first !== undefined) {
        ctx.violates(doc, 'discovery-name-duplicate', dPath, AWS.discoveryNameUnique, `discoveryName \`${discoveryName}\` is already used in namespace \`${namespace}\` by ${first.doc.resource.key} (${where(first.doc, first.path)})`, 'set a distinct `discoveryName`');
      } else {
        discovery.set(dKey, { doc, path: dPath });
      }
      aliasesOf.forEach((alias, ai) => {
        const dnsName = alias.dnsName ?? `${discoveryName}.${namespace}`;
        const aPath = [...base, 'clientAliases', ai];
        const aKey = `${namespace}\u0000${dnsName}:${alias.port}`;
        const prior = aliases.get(aKey);
        if (prior !== undefined) {
          ctx.violates(doc, 'client-alias-duplicate', aPath, AWS.clientAliasUnique, `client alias \`${dnsName}:${alias.port}\` is already used in namespace \`${namespace}\` by ${prior.doc.resource.key} (${where(prior.doc, prior.path)})`, 'choose another `dnsName` or `port`');
        } else {
          aliases.set(aKey, { doc, path: aPath });
        }
      });
    });
  }
}
