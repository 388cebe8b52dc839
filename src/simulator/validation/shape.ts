/**
 * Checks a request against its shape in the AWS SDK model (generated into
 * `request-shapes.generated.ts`): every nested member's type, enum values and required members, as
 * AWS's front end does before an operation runs. AWS reports the first failures as
 * `N validation error(s) detected: Value '…' at '…' failed to satisfy constraint: …`, with list
 * positions written `list.1.member` (1-based).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ServiceKey } from '../errors.js';
import type { JsonObject } from '../json.js';
import { REQUEST_SHAPES } from './request-shapes.generated.js';

const compiled = new Map<string, ValidateFunction>();
let ajv: Ajv2020 | undefined;

/** The compiled check of one request shape, built on first use. */
function validatorFor(service: ServiceKey, shape: string): ValidateFunction {
  const key = `${service}#${shape}`;
  let fn = compiled.get(key);
  if (fn === undefined) {
    if (ajv === undefined) {
      ajv = new Ajv2020({ allErrors: false, verbose: true, strict: true, allowUnionTypes: true });
      for (const [name, defs] of Object.entries(REQUEST_SHAPES)) ajv.addSchema({ $id: name, $defs: defs });
    }
    const got = ajv.getSchema(`${service}#/$defs/${shape}`);
    if (got === undefined) throw new Error(`no request shape ${shape} for ${service}`);
    fn = got;
    compiled.set(key, fn);
  }
  return fn;
}

/** `/containerDefinitions/0/name` → `containerDefinitions.1.member.name`, as AWS writes member paths. */
function memberPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => (/^\d+$/.test(seg) ? `${Number(seg) + 1}.member` : seg.replace(/~1/g, '/').replace(/~0/g, '~')))
    .join('.');
}

function constraint(e: ErrorObject): string {
  switch (e.keyword) {
    case 'enum':
      return `Member must satisfy enum value set: [${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}]`;
    case 'required':
      return `Member must not be null (${(e.params as { missingProperty: string }).missingProperty})`;
    case 'type':
      return `Member must be of type ${(e.params as { type: string }).type}`;
    case 'minimum':
    case 'maximum':
      return `Member must have value ${e.keyword === 'minimum' ? 'greater' : 'less'} than or equal to ${(e.params as { limit: number }).limit}`;
    default:
      return `Member ${e.message ?? 'is not valid'}`;
  }
}

/** The validation message for `raw` against `shape`, or undefined when the request fits the model. */
export function shapeViolation(service: ServiceKey, shape: string, raw: JsonObject): string | undefined {
  const validate = validatorFor(service, shape);
  if (validate(raw)) return undefined;
  const e = validate.errors?.[0];
  if (e === undefined) return 'Request does not match the model.';
  const at = e.keyword === 'required' ? memberPath(`${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`) : memberPath(e.instancePath);
  const value = e.keyword === 'required' ? 'null' : JSON.stringify(e.data);
  return `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: ${constraint(e)}`;
}
