import { emitShapes, readSdkModel, renderTypes, sdkModelFiles } from './aws-shapes.js';

/** Every generated file (path relative to the package root → content), computed without writing. */
export function generateAll(root: string): Record<string, string> {
  const out = emitShapes(readSdkModel(sdkModelFiles(root)));
  return {
    'src/manifests/aws-shapes.generated.ts': renderTypes(out),
  };
}
