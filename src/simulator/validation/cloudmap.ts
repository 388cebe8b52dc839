/**
 * Cloud Map namespace request validation: the model's shapes (`InvalidInput`), namespace names per
 * type, and tag limits (`TooManyTagsException` past 50). Create*Namespace's `Name`:
 * HTTP `^(?!arn:)[!-~]{1,1024}$` (https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateHttpNamespace.html),
 * private DNS `^[!-~]{1,253}$` (https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html).
 */
import { SimulatorError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { shapeViolation } from './shape.js';
import { checkTagCount } from './tags.js';

/** The Cloud Map operations whose requests are checked here. */
export type CloudMapOperation = 'CreateHttpNamespace' | 'CreatePrivateDnsNamespace' | 'UpdateHttpNamespace' | 'UpdatePrivateDnsNamespace' | 'TagResource';

const NAMES: Partial<Record<CloudMapOperation, RegExp>> = {
  CreateHttpNamespace: /^(?!arn:)[!-~]{1,1024}$/,
  CreatePrivateDnsNamespace: /^[!-~]{1,253}$/,
};

/** Validates a Cloud Map request; throws `InvalidInput` (or `TooManyTagsException`) for what Cloud Map refuses. */
export function validateCloudMapRequest(operation: CloudMapOperation, raw: JsonObject): void {
  const violation = shapeViolation('cloudmap', `${operation}Request`, raw);
  if (violation !== undefined) throw new SimulatorError('InvalidInput', violation);
  const name = NAMES[operation];
  if (name !== undefined && typeof raw.Name === 'string' && !name.test(raw.Name)) throw new SimulatorError('InvalidInput', `Invalid namespace name: ${raw.Name}`);
  // Each tag on its own is checked where the handlers read them (readCmTags); the count here.
  const tags: Record<string, string> = {};
  for (const t of Array.isArray(raw.Tags) ? raw.Tags.filter(isJsonObject) : []) tags[String(t.Key)] = String(t.Value);
  if (operation !== 'TagResource') checkTagCount({}, tags, 'TooManyTagsException');
}
