/**
 * A mistake in what the user gave (a flag, an environment variable, a path, a missing setting such
 * as the AWS Region): the CLI reports it as one line naming the cause and the fix, and exits 2.
 * Any module may throw it; only the CLI decides how it is shown.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Whether `value` is an absolute http:// or https:// URL (what every endpoint flag takes). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Why `value` is not an endpoint URL, with the fix; undefined when it is one. */
export function endpointUrlProblem(value: string): string | undefined {
  if (isHttpUrl(value)) return undefined;
  // `127.0.0.1:4566` parses as a URL whose scheme is `127.0.0.1:`; the fix is the same as for a bare host.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return `has no http:// or https:// scheme: write http://${value}`;
  return 'is not an http:// or https:// URL, e.g. http://127.0.0.1:8080';
}
