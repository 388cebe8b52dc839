import { modelledError } from './error-shapes.js';
import type { JsonObject } from './json.js';

/** The AWS services the simulator speaks. */
export type ServiceKey = 'ecs' | 'cloudmap' | 'logs' | 's3' | 'events';

/** Every service key, in a fixed order (counters, admin input checks). */
export const serviceKeys: readonly ServiceKey[] = ['ecs', 'cloudmap', 'logs', 's3', 'events'];

/**
 * An AWS error as the simulator returns it: rendered as `{"__type": type, "message": ...}` with
 * `status` as the HTTP status, so the SDK raises the modelled exception class named `type`. Without
 * a `status`, the service's model decides it (`statusOf`).
 */
export class SimulatorError extends Error {
  /** Extra members of the modelled exception shape (e.g. Cloud Map `DuplicateOperationId`). */
  readonly extra: JsonObject;

  constructor(
    readonly type: string,
    message: string,
    readonly status?: number,
    extra: JsonObject = {},
  ) {
    super(message);
    this.name = 'SimulatorError';
    this.extra = extra;
  }
}

/** Server-side error types and their HTTP status (AWS uses 5xx for these; the SDK retries them). */
const serverErrors: Record<string, number> = {
  ServiceUnavailableException: 503,
  ServiceUnavailable: 503,
  InternalFailure: 500,
  InternalServerError: 500,
  ServerException: 500,
  ServiceUnavailableError: 503,
};

/** The HTTP status AWS uses for a common error type: 5xx for server errors, 400 otherwise. */
export function defaultStatusFor(type: string): number {
  return serverErrors[type] ?? 400;
}

/** The HTTP status `service` answers error `type` with: its model's, else the common default. */
export function errorStatus(service: ServiceKey, type: string): number {
  return modelledError(service, type)?.status ?? defaultStatusFor(type);
}

/** The validation error type each service uses for a malformed or invalid parameter. */
export function invalidParameter(service: ServiceKey, message: string): SimulatorError {
  return new SimulatorError(service === 'cloudmap' ? 'InvalidInput' : service === 'events' ? 'ValidationException' : 'InvalidParameterException', message);
}
