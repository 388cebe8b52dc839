import { randomBytes, randomUUID } from 'node:crypto';

const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random lower-case alphanumeric string of `length` characters (resource id suffixes). */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alnum[(bytes[i] ?? 0) % alnum.length];
  return out;
}

/** A random string of decimal digits (ECS deployment ids are `ecs-svc/` + 19 digits). */
export function randomDigits(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += String((bytes[i] ?? 0) % 10);
  return out;
}

/** A request id in the UUID format AWS uses for `x-amzn-RequestId`. */
export function requestId(): string {
  return randomUUID();
}

/** A random UUID (event ids, creator request ids). */
export function uuid(): string {
  return randomUUID();
}
