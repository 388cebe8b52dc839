/**
 * Assembles the generated files: the model's ECS shapes and the JSON Schemas in `schemas/`.
 * Everything manifest-specific that AWS does not define (the envelope, tags, the Namespace kind,
 * the per-kind descriptions) is written here once.
 */
import type { Emitted, JsonSchema } from './aws-shapes.js';
import { emitRequestShapes, emitShapes, readSdkModel, renderTypes, sdkModelFiles } from './aws-shapes.js';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const ID_BASE = 'https://switchboard.dev/schemas/v1alpha1/';

/** The kinds, their schema file, their spec definition and what the kind means. */
export const KIND_SCHEMAS = [
  {
    kind: 'Namespace',
    file: 'namespace.schema.json',
    spec: 'NamespaceSpec',
    description: 'A Cloud Map namespace that Service Connect services register in. `metadata.name` is the namespace name.',
  },
  {
    kind: 'TaskDefinition',
    file: 'taskdefinition.schema.json',
    spec: 'TaskDefinitionSpec',
    description: 'An ECS task definition: the RegisterTaskDefinition input. `family` defaults to `metadata.name`.',
  },
  {
    kind: 'Service',
    file: 'service.schema.json',
    spec: 'ServiceSpec',
    description: 'An ECS service: the CreateService input. `serviceName` is `metadata.name`.',
  },
  {
    kind: 'Cluster',
    file: 'cluster.schema.json',
    spec: 'ClusterSpec',
    description: 'An ECS cluster, with its default Service Connect namespace. `clusterName` defaults to `metadata.name`.',
  },
] as const;

const tagMapValue: JsonSchema = { type: ['string', 'number', 'boolean'], description: 'The tag value (up to 256 characters).' };

/** Manifest-level definitions that are not ECS shapes. */
function manifestDefs(): Record<string, JsonSchema> {
  return {
    Tags: {
      description:
        'Tags, written as a map (`team: payments`). The list forms AWS prints are accepted too: `[{key, value}]` (ECS) and `[{Key, Value}]` (Cloud Map). Up to 50 tags; keys up to 128 characters, values up to 256.',
      anyOf: [
        { type: 'object', propertyNames: { minLength: 1, maxLength: 128 }, additionalProperties: tagMapValue, maxProperties: 50 },
        {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'object',
            properties: { key: { type: 'string', minLength: 1, maxLength: 128 }, value: { type: 'string', maxLength: 256 } },
            required: ['key', 'value'],
            additionalProperties: false,
          },
        },
        {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'object',
            properties: { Key: { type: 'string', minLength: 1, maxLength: 128 }, Value: { type: 'string', maxLength: 256 } },
            required: ['Key', 'Value'],
            additionalProperties: false,
          },
        },
      ],
    },
    Metadata: {
      type: 'object',
      description: 'Identifies the resource. `name` is the AWS name (namespace name, service name, task definition family and cluster name by default).',
      properties: {
        name: {
          type: 'string',
          description: 'The resource name: letters, numbers, hyphens, underscores and dots, up to 255 characters, starting with a letter or number.',
          pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$',
        },
        labels: { type: 'object', description: 'Free-form labels for tooling; not sent to AWS.', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', description: 'Free-form annotations for tooling; not sent to AWS.', additionalProperties: { type: 'string' } },
      },
      required: ['name'],
      additionalProperties: false,
    },
    NamespaceSpec: {
      type: 'object',
      description: 'A Cloud Map namespace (CreateHttpNamespace / CreatePrivateDnsNamespace input, written camelCase).',
      properties: {
        type: {
          type: 'string',
          enum: ['HTTP', 'DNS_PRIVATE'],
          description: '`HTTP`: an API-only namespace (CreateHttpNamespace), enough for Service Connect. `DNS_PRIVATE`: a private DNS hosted zone in `vpc` (CreatePrivateDnsNamespace).',
        },
        vpc: { type: 'string', description: 'The ID of the Amazon VPC that you want to associate the namespace with. Required for `DNS_PRIVATE`.' },
        description: { type: 'string', maxLength: 1024, description: 'A description for the namespace.' },
        properties: {
          type: 'object',
          description: 'Properties of a `DNS_PRIVATE` namespace (CreatePrivateDnsNamespace `Properties`, written camelCase).',
          properties: {
            dnsProperties: {
              type: 'object',
              description: "The namespace's DNS properties.",
              properties: {
                soa: {
                  type: 'object',
                  description: "The start of authority (SOA) record of the namespace's hosted zone.",
                  properties: { ttl: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'The time, in seconds, that DNS resolvers cache the SOA record.' } },
                  required: ['ttl'],
                  additionalProperties: false,
                },
              },
              required: ['soa'],
              additionalProperties: false,
            },
          },
          required: ['dnsProperties'],
          additionalProperties: false,
        },
        tags: { $ref: '#/$defs/Tags' },
      },
      required: ['type'],
      additionalProperties: false,
    },
  };
}

/** Turns the generated `*SpecFields` definitions into the kinds' spec definitions (tags, written forms). */
function specDefs(defs: Map<string, JsonSchema>): Record<string, JsonSchema> {
  const withTags = (name: string, description: string, overrides: Record<string, JsonSchema>): JsonSchema => {
    const base = defs.get(name);
    if (base === undefined) throw new Error(`missing generated shape ${name}`);
    const props = { ...(base.properties as Record<string, JsonSchema>) };
    for (const [k, v] of Object.entries(overrides)) props[k] = { ...props[k], ...v };
    props.tags = { $ref: '#/$defs/Tags' };
    return { ...base, description, properties: props };
  };
  return {
    TaskDefinitionSpec: withTags('TaskDefinitionSpecFields', 'The RegisterTaskDefinition input. `family` defaults to `metadata.name`.', {
      family: { description: 'The task definition family. Defaults to `metadata.name`. Up to 255 letters, numbers, underscores and hyphens.' },
      // YAML users write `cpu: 256`; the API takes a string, the loader converts.
      cpu: { type: ['string', 'integer'] },
      memory: { type: ['string', 'integer'] },
    }),
    ServiceSpec: withTags('ServiceSpecFields', 'The CreateService input, without `serviceName` (that is `metadata.name`).', {
      taskDefinition: {
        description:
          'The TaskDefinition manifest this service runs (its `metadata.name`), or an external task definition as `family:revision` or a full ARN.',
      },
      // A task count: never negative (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html).
      desiredCount: { minimum: 0 },
    }),
    ClusterSpec: withTags('ClusterSpecFields', 'The CreateCluster input (subset). `clusterName` defaults to `metadata.name`.', {
      clusterName: { description: 'The name of the cluster. Defaults to `metadata.name`.' },
    }),
  };
}

function documentDef(kind: string, spec: string, description: string): JsonSchema {
  return {
    type: 'object',
    description,
    properties: {
      apiVersion: { const: 'switchboard.dev/v1alpha1', description: 'The manifest format version.' },
      kind: { const: kind, description: 'The kind of resource.' },
      metadata: { $ref: '#/$defs/Metadata' },
      spec: { $ref: `#/$defs/${spec}` },
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
  };
}

/** The names of the definitions reachable from `root` through `$ref`. */
function reachable(all: Record<string, JsonSchema>, root: string): Set<string> {
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
          const name = v.slice('#/$defs/'.length);
          if (!seen.has(name)) {
            seen.add(name);
            visit(all[name]);
          }
        } else {
          visit(v);
        }
      }
    }
  };
  seen.add(root);
  visit(all[root]);
  return seen;
}

function pick(all: Record<string, JsonSchema>, names: Set<string>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => names.has(k)));
}

/** Builds every schema file from the generated shapes. */
export function renderSchemas(out: Emitted): Record<string, JsonSchema> {
  const shapeDefs = new Map(out.defs);
  for (const k of ['TaskDefinitionSpecFields', 'ServiceSpecFields', 'ClusterSpecFields']) shapeDefs.delete(k);
  const all: Record<string, JsonSchema> = {
    ...manifestDefs(),
    ...specDefs(out.defs),
    ...Object.fromEntries([...shapeDefs.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
  for (const k of KIND_SCHEMAS) all[`${k.kind}Document`] = documentDef(k.kind, k.spec, k.description);

  const files: Record<string, JsonSchema> = {};
  for (const k of KIND_SCHEMAS) {
    const doc = `${k.kind}Document`;
    files[k.file] = {
      $schema: DRAFT,
      $id: `${ID_BASE}${k.file}`,
      title: `switchboard ${k.kind}`,
      $ref: `#/$defs/${doc}`,
      $defs: pick(all, reachable(all, doc)),
    };
  }
  files['manifest.schema.json'] = {
    $schema: DRAFT,
    $id: `${ID_BASE}manifest.schema.json`,
    title: 'switchboard manifest',
    description: 'Any switchboard manifest document; `kind` selects the spec.',
    type: 'object',
    properties: {
      apiVersion: { const: 'switchboard.dev/v1alpha1', description: 'The manifest format version.' },
      kind: { enum: KIND_SCHEMAS.map((k) => k.kind), description: 'The kind of resource: Namespace, TaskDefinition, Service or Cluster.' },
      metadata: { $ref: '#/$defs/Metadata' },
      spec: { type: 'object' },
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    allOf: KIND_SCHEMAS.map((k) => ({
      if: { properties: { kind: { const: k.kind } }, required: ['kind'] },
      then: { $ref: `#/$defs/${k.kind}Document` },
    })),
    $defs: all,
  };
  return files;
}

/**
 * The request shapes the simulator checks calls against (member types, enums, required members),
 * per service and SDK client.
 */
export const SIMULATOR_REQUESTS = {
  ecs: {
    client: 'client-ecs',
    roots: ['RegisterTaskDefinitionRequest', 'CreateServiceRequest', 'UpdateServiceRequest', 'CreateClusterRequest', 'UpdateClusterRequest', 'PutClusterCapacityProvidersRequest', 'TagResourceRequest'],
  },
  cloudmap: {
    client: 'client-servicediscovery',
    roots: ['CreateHttpNamespaceRequest', 'CreatePrivateDnsNamespaceRequest', 'UpdateHttpNamespaceRequest', 'UpdatePrivateDnsNamespaceRequest', 'TagResourceRequest'],
  },
} as const;

/**
 * A request shape's schema as the simulator applies it: no documentation, and members the model
 * does not know are left alone (the SDK never sends them, and AWS ignores them).
 */
function forSimulator(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forSimulator);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description') continue;
    // `properties` maps member names to schemas: every key there is a member, even one named `description`.
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([m, sv]) => [m, forSimulator(sv)]));
    else if (k === 'additionalProperties' && v === false && !('maxProperties' in node)) continue;
    else out[k] = forSimulator(v);
  }
  return out;
}

/** Renders `src/simulator/validation/request-shapes.generated.ts`: the simulator's request schemas, per service. */
function renderRequestShapes(root: string): string {
  const services = Object.entries(SIMULATOR_REQUESTS).map(([service, { client, roots }]) => {
    const out = emitRequestShapes(readSdkModel(sdkModelFiles(root, client)), roots);
    const defs = Object.fromEntries([...out.defs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, def]) => [name, forSimulator(def)]));
    return `  ${service}: ${JSON.stringify(defs, null, 2).replace(/\n/g, '\n  ')},`;
  });
  return [
    '// Generated by src/manifests/codegen/generate.ts from the AWS SDK models. Do not edit by hand.',
    '',
    '/** JSON Schema definitions of the request shapes the simulator checks, per service (`#/$defs/<Shape>`). */',
    'export const REQUEST_SHAPES: Record<string, Record<string, object>> = {',
    ...services,
    '};',
    '',
  ].join('\n');
}

/** Every generated file (path relative to the package root → content), computed without writing. */
export function generateAll(root: string): Record<string, string> {
  const out = emitShapes(readSdkModel(sdkModelFiles(root)));
  const files: Record<string, string> = { 'src/manifests/aws-shapes.generated.ts': renderTypes(out) };
  for (const [name, schema] of Object.entries(renderSchemas(out))) files[`schemas/${name}`] = `${JSON.stringify(schema, null, 2)}\n`;
  files['src/simulator/validation/request-shapes.generated.ts'] = renderRequestShapes(root);
  return files;
}
