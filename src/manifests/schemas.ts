/** The JSON Schemas in `schemas/`, compiled once with ajv (draft 2020-12) and shared by every validation. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Kind } from './model.js';

/** The folder holding the schema files, from `src/manifests` or `dist/manifests`. */
export const schemasDir: URL = new URL('../../schemas/', import.meta.url);

/** A parsed schema file. */
export type SchemaObject = Record<string, unknown>;

/** Reads one schema file from `schemas/`. */
export function readSchema(file: string): SchemaObject {
  return JSON.parse(readFileSync(new URL(file, schemasDir), 'utf8')) as SchemaObject;
}

export type { ErrorObject };

let compiled: Map<Kind, ValidateFunction> | undefined;

/** The validator of a whole document of `kind` (envelope and spec), compiled on first use and reused. */
export function documentValidator(kind: Kind): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    ajv.addSchema(readSchema('manifest.schema.json'), 'manifest');
    const map = new Map<Kind, ValidateFunction>();
    for (const k of ['Namespace', 'TaskDefinition', 'Service', 'Cluster'] as const) {
      const fn = ajv.getSchema(`manifest#/$defs/${k}Document`);
      if (fn === undefined) throw new Error(`schemas/manifest.schema.json has no $defs/${k}Document`);
      map.set(k, fn);
    }
    compiled = map;
  }
  const fn = compiled.get(kind);
  if (fn === undefined) throw new Error(`no validator for kind ${kind}`);
  return fn;
}
