/**
 * Tag rules: AWS's limits on every resource's tags, counting the tags the controller adds itself,
 * and the controller's own `switchboard.dev/` keys, which a manifest cannot set.
 */
import { CONTROLLER_TAG_PREFIX, controllerTagKeys } from '../controller-tags.js';
import type { Kind } from '../model.js';
import type { PathSegment } from '../problems.js';
import { AWS } from './aws-rules.js';
import type { DocOf, RuleContext } from './context.js';

const MAX_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;
/** ECS tag keys and values (Tag `key`/`value` pattern): letters, numbers, spaces and `_ . : / = + - @`. */
const ECS_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** One written tag and where its key and value are. */
interface WrittenTag {
  key: string;
  value: string;
  keyPath: PathSegment[];
  valuePath: PathSegment[];
  /** The key is a map key (locate the key itself, not its value). */
  mapKey: boolean;
}

/** The tags as written (map or either list form), in order, with their locations. */
function writtenTags(raw: unknown): WrittenTag[] {
  const base: PathSegment[] = ['spec', 'tags'];
  if (Array.isArray(raw)) {
    return raw.flatMap((t: unknown, i) => {
      if (typeof t !== 'object' || t === null) return [];
      const o = t as Record<string, unknown>;
      const [k, v] = 'key' in o ? ['key', 'value'] : ['Key', 'Value'];
      return [{ key: String(o[k]), value: String(o[v]), keyPath: [...base, i, k], valuePath: [...base, i, v], mapKey: false }];
    });
  }
  if (typeof raw !== 'object' || raw === null) return [];
  return Object.entries(raw).map(([key, value]) => ({ key, value: String(value), keyPath: [...base, key], valuePath: [...base, key], mapKey: true }));
}

type AnyDoc = DocOf<Kind>;

function checkTagsOf(ctx: RuleContext, doc: AnyDoc, controllerKeys: readonly string[]): void {
  const controllerTags = controllerKeys.length;
  const spec = doc.document.value.spec as Record<string, unknown> | undefined;
  const tags = writtenTags(spec?.tags);
  if (tags.length === 0) return;
  const ecs = doc.resource.kind !== 'Namespace';
  const seen = new Set<string>();
  for (const t of tags) {
    const keyAt = { key: t.mapKey };
    if (t.key.startsWith(CONTROLLER_TAG_PREFIX)) {
      ctx.report(doc, 'error', 'tag-key-reserved', t.keyPath, `tag key \`${t.key}\` is reserved: keys under \`${CONTROLLER_TAG_PREFIX}\` are the controller's own (ownership and content hashes)`, 'rename the tag; to let this controller take over an existing resource, use the annotation `switchboard.dev/adopt: "true"`', keyAt);
    }
    if (t.key.toLowerCase().startsWith('aws:')) {
      ctx.violates(doc, 'tag-aws-prefix', t.keyPath, AWS.tagAwsPrefix, `tag key \`${t.key}\` starts with \`aws:\``, 'rename the tag', keyAt);
    }
    if (ecs && t.value.toLowerCase().startsWith('aws:')) {
      ctx.violates(doc, 'tag-aws-prefix', t.valuePath, AWS.tagAwsPrefix, `the value of tag \`${t.key}\` starts with \`aws:\``, 'change the value');
    }
    if (t.key.length > MAX_KEY || t.key.length === 0) {
      ctx.violates(doc, 'tag-too-long', t.keyPath, ecs ? AWS.tagKey : AWS.cloudMapTagLengths, `tag key \`${t.key.slice(0, 40)}…\` is ${t.key.length} characters`, `use 1 to ${MAX_KEY} characters`, keyAt);
    }
    if (t.value.length > MAX_VALUE) {
      ctx.violates(doc, 'tag-too-long', t.valuePath, ecs ? AWS.tagValue : AWS.cloudMapTagLengths, `the value of tag \`${t.key}\` is ${t.value.length} characters`, `use at most ${MAX_VALUE} characters`);
    }
    if (ecs && !ECS_TAG_TEXT.test(t.key)) {
      ctx.violates(doc, 'tag-characters', t.keyPath, AWS.tagCharacters, `tag key \`${t.key}\` has characters ECS does not allow`, 'use letters, digits, spaces and `+ - = . _ : / @`', keyAt);
    }
    if (ecs && !ECS_TAG_TEXT.test(t.value)) {
      ctx.violates(doc, 'tag-characters', t.valuePath, AWS.tagCharacters, `the value of tag \`${t.key}\` has characters ECS does not allow`, 'use letters, digits, spaces and `+ - = . _ : / @`');
    }
    if (seen.has(t.key)) ctx.violates(doc, 'tag-key-duplicate', t.keyPath, AWS.tagKeyUnique, `tag key \`${t.key}\` is given twice`, 'keep one of them', keyAt);
    seen.add(t.key);
  }
  if (seen.size + controllerTags > MAX_TAGS) {
    ctx.violates(
      doc,
      'tag-limit',
      ['spec', 'tags'],
      ecs ? AWS.tagCount : AWS.cloudMapTagCount,
      `${seen.size} tags plus the controller's own ${controllerTags} make ${seen.size + controllerTags}`,
      `keep at most ${MAX_TAGS - controllerTags} tags: the controller adds ${controllerKeys.join(', ')}`,
      { key: true },
    );
  }
}

/** The tags of one task definition (a task definition's rules need nothing else). */
export function checkTaskDefinitionTags(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  checkTagsOf(ctx, doc, controllerTagKeys('TaskDefinition'));
}

/** The tags of every namespace, cluster and service. */
export function checkTags(ctx: RuleContext): void {
  for (const doc of ctx.ofKind('Namespace')) checkTagsOf(ctx, doc, controllerTagKeys('Namespace'));
  for (const doc of ctx.ofKind('Cluster')) checkTagsOf(ctx, doc, controllerTagKeys('Cluster'));
  for (const doc of ctx.ofKind('Service')) {
    const ref = doc.resource.spec.taskDefinition;
    const declared = ref !== undefined && ctx.find('TaskDefinition', ref) !== undefined;
    checkTagsOf(ctx, doc, controllerTagKeys('Service', declared));
  }
}
