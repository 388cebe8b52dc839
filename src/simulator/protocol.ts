/** The JSON 1.1 content type the SDK sends and expects back. */
export const jsonContentType = 'application/x-amz-json-1.1';

/** Splits `X-Amz-Target: Prefix.Operation`; undefined when malformed. */
export function parseTarget(target: string | undefined): { prefix: string; operation: string } | undefined {
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  if (dot <= 0 || dot === target.length - 1) return undefined;
  return { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}

/**
 * The Region of a SigV4-signed request, from the credential scope of its Authorization header
 * (`Credential=AKID/20261125/us-east-1/ecs/aws4_request`). Signatures are not verified.
 */
export function regionFromAuthorization(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization);
  return m?.[1];
}

/** The access key id of a SigV4-signed request (`Credential=AKID/...`): who made the call. */
export function callerFromAuthorization(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
}

/** Parses a request body as a JSON object; an empty body is `{}`. Throws SyntaxError otherwise. */
export function parseBody(body: string): unknown {
  return body.trim() === '' ? {} : JSON.parse(body);
}
