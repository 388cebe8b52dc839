/**
 * The Node.js runtime the CLI supports: Node 22 (package.json `engines`, the image). The AWS SDK
 * warns on every process under an older Node with a nine-line NodeVersionSupportWarning
 * (`emitWarningIfUnsupportedVersion` in @aws-sdk/core, which reads
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED when a client is built). The CLI's output is
 * for what it did, so the warning is turned off unless the user set the variable themselves.
 */

/** Turns the SDK's Node-version warning off for this process, unless the environment says otherwise. */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
