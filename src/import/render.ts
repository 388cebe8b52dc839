/**
 * Imported manifests as YAML text: one document per resource, each under the schema modeline, with
 * the fields left out named in a comment at the end of its spec. Pure.
 */
import { Document, isMap } from 'yaml';
import type { ImportedDocument, ImportedFile } from './build.js';

/** The editor modeline that points the YAML language server at the manifest schema. */
export function schemaModeline(schemaPath: string): string {
  return ` yaml-language-server: $schema=${schemaPath}`;
}

function renderDocument(doc: ImportedDocument, schemaPath: string): string {
  const yaml = new Document(doc.manifest);
  yaml.commentBefore = schemaModeline(schemaPath);
  if (doc.leftOut.length > 0) {
    const spec = yaml.get('spec', true);
    const lines = doc.leftOut.map((f) => `   ${f.path}: ${JSON.stringify(f.value)}  (${f.reason})`);
    const comment = [' Left out, as switchboard does not manage them (live values):', ...lines].join('\n');
    if (isMap(spec)) spec.comment = comment;
    else yaml.comment = comment;
  }
  // No line folding: commands and JSON-looking strings stay on one line, as written in AWS.
  return yaml.toString({ lineWidth: 0 }).replace(/^(#[^\n]*)\n\n/, '$1\n');
}

/** The YAML text of one file, its documents separated by `---`. */
export function renderFile(file: ImportedFile, schemaPath: string): string {
  return file.documents.map((d) => renderDocument(d, schemaPath)).join('---\n');
}
