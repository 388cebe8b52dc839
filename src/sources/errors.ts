import { AwsCallError } from '../aws/errors.js';
import { S3ProtocolError } from './s3-port.js';
import type { SourceError } from './types.js';

/** A failed source read, carrying the SourceError fields so a catcher needs no type switch. */
export class SourceReadError extends Error implements SourceError {
  readonly code: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, details: { code?: string; requestId?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SourceReadError';
    this.code = details.code;
    this.requestId = details.requestId;
  }
}

function errnoCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code) ? code : undefined;
}

function answered(cause: unknown): boolean {
  const meta = typeof cause === 'object' && cause !== null ? (cause as { $metadata?: { httpStatusCode?: unknown } }).$metadata : undefined;
  return typeof meta?.httpStatusCode === 'number';
}

/** Wraps any failure into a SourceReadError whose message leads with the source's description. */
export function toSourceReadError(subject: string, err: unknown): SourceReadError {
  if (err instanceof SourceReadError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof AwsCallError) {
    // A call that never got an HTTP answer (refused, reset, timed out) has no AWS error code.
    const code = answered(err.cause) ? err.code : 'NetworkError';
    return new SourceReadError(`${subject}: ${message}`, {
      ...(code === undefined ? {} : { code }),
      ...(err.requestId === undefined ? {} : { requestId: err.requestId }),
      cause: err,
    });
  }
  const code = err instanceof S3ProtocolError ? err.code : errnoCode(err);
  return new SourceReadError(`${subject}: ${message}`, { ...(code === undefined ? {} : { code }), cause: err });
}

/** The plain SourceError view of a failure, as handed to `watch`'s onError. */
export function toSourceError(subject: string, err: unknown): SourceError {
  const e = toSourceReadError(subject, err);
  return {
    message: e.message,
    ...(e.code === undefined ? {} : { code: e.code }),
    ...(e.requestId === undefined ? {} : { requestId: e.requestId }),
    cause: e.cause ?? e,
  };
}

/** The error an aborted read rejects with. */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}
