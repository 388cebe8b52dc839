/**
 * One place that classifies AWS SDK errors, by `name` and `$fault` (and, for one ECS error that
 * shares its name with terminal ones, its documented message), into the categories the
 * reconciler's retry policy decides on.
 */
import type { ErrorCategory, Failure } from '../reconcile/ports.js';

/** The category of an AWS error (the reconciler's ErrorCategory). */
export type AwsErrorCategory = ErrorCategory;

const NOT_FOUND = new Set([
  'ClusterNotFoundException',
  'ServiceNotFoundException',
  'ServiceNotActiveException',
  'NamespaceNotFound',
  // ECS: the namespace a Service Connect configuration names does not exist. The planner sends only
  // namespaces that exist or that the pass creates first, so this is Cloud Map not yet showing ECS
  // a namespace just created: retried with backoff.
  'NamespaceNotFoundException',
  'ServiceNotFound',
  'OperationNotFound',
  'ResourceNotFoundException',
  'ResourceNotFound',
  'NoSuchBucket',
  'NoSuchKey',
  'NotFound',
]);

// The SDK's own retry strategy treats these as throttling (see AWS-FACTS: SDK v3 retries).
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
]);

const CONFLICT = new Set([
  'NamespaceAlreadyExists',
  'ResourceAlreadyExistsException',
  'ResourceInUse',
  'ResourceInUseException',
  'DuplicateRequest',
  'UpdateInProgressException',
  'ConflictException',
  'OperationAbortedException',
]);

const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  // ECS: "Your Amazon Web Services account was blocked" (the ECS model's BlockedException).
  'BlockedException',
]);

// CloudWatch Logs' LimitExceededException means "too many resources", not a request rate:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
// ECS AttributeLimitExceededException: at most 10 custom attributes per resource (ECS model).
const QUOTA = new Set(['LimitExceededException', 'ResourceLimitExceeded', 'ServiceQuotaExceededException', 'AttributeLimitExceededException']);

const INVALID = new Set([
  'InvalidParameterException',
  'InvalidInput',
  'InvalidParameterValueException',
  'InvalidParameterCombinationException',
  'ClientException',
  'ValidationException',
  'UnsupportedFeatureException',
  'PlatformUnknownException',
  'PlatformTaskDefinitionIncompatibilityException',
  'InvalidOperationException',
  'MissingVersionException',
  'NoUpdateAvailableException',
  // Cloud Map and CloudWatch Logs: more tags than the resource may carry (50); the manifest must change.
  'TooManyTagsException',
]);

/*
 * ECS answers concurrent registrations in one family with a ClientException, the name it also
 * uses for invalid input; only the message tells them apart. It is not carried out and is safe to
 * retry (dagster-io/dagster#11192, hashicorp/terraform-provider-aws#9777).
 */
const CONCURRENT_REVISION = 'Too many concurrent attempts to create a new revision of the specified family';

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'TimeoutError', 'RequestTimeout', 'socket hang up']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { requestId?: unknown; httpStatusCode?: unknown };
  message?: unknown;
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

/** The AWS error code (the exception name) of an SDK error, or undefined for non-AWS errors. */
export function awsErrorCode(err: unknown): string | undefined {
  const s = shape(err);
  return typeof s.name === 'string' ? s.name : undefined;
}

/** The AWS request id carried by an SDK error, when the service answered at all. */
export function awsRequestId(err: unknown): string | undefined {
  const id = shape(err).$metadata?.requestId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Classifies an error thrown by an AWS SDK call into one reconciler-facing category. */
export function classifyAwsError(err: unknown): AwsErrorCategory {
  const s = shape(err);
  const name = typeof s.name === 'string' ? s.name : '';
  const code = typeof s.code === 'string' ? s.code : '';
  if (NOT_FOUND.has(name)) return 'NotFound';
  if (THROTTLED.has(name)) return 'Throttled';
  if (name === 'ClientException' && typeof s.message === 'string' && s.message.includes(CONCURRENT_REVISION)) return 'Throttled';
  if (QUOTA.has(name)) return 'QuotaExceeded';
  if (CONFLICT.has(name)) return 'Conflict';
  if (DENIED.has(name)) return 'Denied';
  if (INVALID.has(name)) return 'Invalid';
  if (TRANSIENT_NETWORK.has(name) || TRANSIENT_NETWORK.has(code)) return 'Transient';
  if (s.$fault === 'server') return 'Transient';
  const status = s.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    if (status === 429) return 'Throttled';
    if (status >= 500) return 'Transient';
    if (status === 403) return 'Denied';
    if (status === 404) return 'NotFound';
  }
  return 'Unknown';
}

/** Whether a later attempt can succeed without anything changing in the manifests. */
export function isRetryableCategory(category: AwsErrorCategory): boolean {
  return category === 'Throttled' || category === 'Transient' || category === 'Conflict' || category === 'Unknown';
}

/** An AWS call that failed, with the operation, the resource it was for and the request id. */
export class AwsCallError extends Error implements Failure {
  readonly category: AwsErrorCategory;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    const code = awsErrorCode(cause);
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} failed: ${code ? `${code}: ` : ''}${msg}`, { cause });
    this.name = 'AwsCallError';
    this.operation = operation;
    this.code = code;
    this.category = classifyAwsError(cause);
    this.requestId = awsRequestId(cause);
  }

  /** The failure as plain data (what `apply --output json` prints). */
  toJSON(): { message: string; category: AwsErrorCategory; code?: string; requestId?: string; operation: string } {
    return {
      message: this.message,
      category: this.category,
      ...(this.code !== undefined ? { code: this.code } : {}),
      ...(this.requestId !== undefined ? { requestId: this.requestId } : {}),
      operation: this.operation,
    };
  }
}

/** One finished AWS call, as metrics see it (`operation` is `service:Operation`). */
export interface AwsCallRecord {
  operation: string;
  durationMs: number;
  /** The AWS error code, or undefined on success. */
  errorCode?: string;
}

type AwsCallObserver = (record: AwsCallRecord) => void;
const observers = new Set<AwsCallObserver>();

/** Registers a function told about every AWS call (metrics); returns the unregister function. */
export function observeAwsCalls(observer: AwsCallObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

function notify(record: AwsCallRecord): void {
  for (const o of observers) {
    try {
      o(record);
    } catch {
      // An observer's failure must never fail the call it observes.
    }
  }
}

/** Runs one SDK call, turning any failure into an AwsCallError that names the operation. */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await call();
    notify({ operation, durationMs: performance.now() - started });
    return result;
  } catch (err) {
    const wrapped = err instanceof AwsCallError ? err : new AwsCallError(operation, err);
    notify({ operation, durationMs: performance.now() - started, errorCode: wrapped.code ?? 'NetworkError' });
    throw wrapped;
  }
}
