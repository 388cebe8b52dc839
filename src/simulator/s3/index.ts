/**
 * The simulated Amazon S3: REST-XML over path-style URLs on the simulator's one port. Routes a
 * request to its operation, runs it through the engine (latency, faults, counters) and writes the
 * answer the real SDK S3 client parses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatorEngine } from '../engine.js';
import type { RequestContext } from '../context.js';
import { errorStatus, type SimulatorError } from '../errors.js';
import { requestId } from '../ids.js';
import { compact, type JsonObject } from '../json.js';
import { createBucket, deleteObject, getObject, headObject, listObjectsV2, putObject, s3Error, type S3Reply } from './operations.js';
import { header, operationOf, parseS3Url, s3OperationKind, type S3Operation, type S3Request } from './request.js';
import { errorDocument, hostId } from './xml.js';

/** Whether a request is for S3: not an AWS JSON call (those carry `X-Amz-Target`) and not `POST /`. */
export function isS3Request(req: IncomingMessage): boolean {
  if (req.headers['x-amz-target'] !== undefined) return false;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return !(req.method === 'POST' && path === '/');
}

/**
 * Writes in flight per `bucket/key`, in arrival order: a conditional write that completes while an
 * earlier write of the same key is still in flight conflicts with it.
 */
class InFlightWrites {
  private next = 0;
  private readonly byKey = new Map<string, Set<number>>();

  begin(key: string): number {
    const id = this.next++;
    const set = this.byKey.get(key) ?? new Set<number>();
    set.add(id);
    this.byKey.set(key, set);
    return id;
  }

  /** Whether a write that arrived before `id` is still in flight. */
  earlierInFlight(key: string, id: number): boolean {
    for (const other of this.byKey.get(key) ?? []) if (other < id) return true;
    return false;
  }

  end(key: string, id: number): void {
    const set = this.byKey.get(key);
    set?.delete(id);
    if (set?.size === 0) this.byKey.delete(key);
  }
}

const inFlight = new WeakMap<SimulatorEngine, InFlightWrites>();

function writeReply(res: ServerResponse, method: string, requestId: string, reply: S3Reply): void {
  const body = method === 'HEAD' || reply.body === undefined ? undefined : typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  const headers: Record<string, string> = { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId(requestId), ...reply.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  res.writeHead(reply.status, headers);
  res.end(body);
}

function writeError(res: ServerResponse, method: string, requestId: string, err: SimulatorError): void {
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.extra)) if (typeof v === 'string') extra[k] = v;
  // A HEAD answer has no body: the SDK names the error from the status alone (404 → NotFound).
  writeReply(res, method, requestId, { status: err.status ?? errorStatus('s3', err.type), headers: { 'content-type': 'application/xml' }, body: errorDocument(err.type, err.message, requestId, extra) });
}

/** The operation carried out on the state; `conflicting` says whether an earlier write of the same key is still in flight. */
function run(operation: S3Operation, req: S3Request, conflicting: () => boolean): (ctx: RequestContext) => S3Reply {
  switch (operation) {
    case 'CreateBucket':
      return (ctx) => createBucket(ctx, req);
    case 'ListObjectsV2':
      return (ctx) => listObjectsV2(ctx, req);
    case 'GetObject':
      return (ctx) => getObject(ctx, req);
    case 'HeadObject':
      return (ctx) => headObject(ctx, req);
    case 'PutObject':
      return (ctx) => putObject(ctx, req, conflicting());
    case 'DeleteObject':
      return (ctx) => deleteObject(ctx, req);
    default: {
      const never: never = operation;
      throw new Error(`unhandled S3 operation ${String(never)}`);
    }
  }
}

/** What observers see of an S3 request: bucket, key, prefix and the conditional headers. */
function observedInput(req: S3Request): JsonObject {
  return compact({
    Bucket: req.bucket,
    Key: req.key,
    Prefix: req.query.get('prefix') ?? undefined,
    IfMatch: header(req, 'if-match'),
    IfNoneMatch: header(req, 'if-none-match'),
  });
}

/** Answers one S3 request (the body already read). */
export async function handleS3(engine: SimulatorEngine, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const method = req.method ?? 'GET';
  const { bucket, key, query } = parseS3Url(req.url ?? '/');
  const s3req: S3Request = { method, bucket, key, query, headers: req.headers, body };
  const operation = operationOf(s3req);
  if (operation === undefined) {
    engine.counters.recordUnknown();
    writeError(res, method, requestId(), s3Error('NotImplemented', `The simulator does not implement ${method} ${bucket === undefined ? '/' : `/${bucket}${key === undefined ? '' : '/…'}`}${query.size > 0 ? ' with these query parameters' : ''}.`, 501));
    return;
  }
  const kind = s3OperationKind[operation];
  const writes = inFlight.get(engine) ?? new InFlightWrites();
  inFlight.set(engine, writes);
  const objectKey = `${bucket ?? ''}/${key ?? ''}`;
  const ticket = kind === 'write' && key !== undefined ? writes.begin(objectKey) : undefined;
  try {
    const handle = run(operation, s3req, () => ticket !== undefined && writes.earlierInFlight(objectKey, ticket));
    const outcome = await engine.perform(
      {
        service: 's3',
        operation,
        kind,
        category: `s3.${kind}`,
        authorization: header(s3req, 'authorization'),
        names: [bucket ?? '', ...(key === undefined ? [] : [key, `${bucket ?? ''}/${key}`])],
        input: observedInput(s3req),
      },
      handle,
    );
    switch (outcome.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'error':
        writeError(res, method, outcome.requestId, outcome.error);
        return;
      case 'ok':
        writeReply(res, method, outcome.requestId, outcome.value);
        return;
    }
  } finally {
    if (ticket !== undefined) writes.end(objectKey, ticket);
  }
}
