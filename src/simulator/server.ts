import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminInputError, adminPrefix, handleAdmin } from './admin.js';
import type { SimulatorEngine } from './engine.js';
import { requestId } from './ids.js';
import { jsonContentType, parseBody } from './protocol.js';
import { handleS3, isS3Request } from './s3/index.js';

/** Largest request body accepted (PutLogEvents batches are at most ~1 MB on AWS). */
const maxBodyBytes = 16 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, id: string, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': id,
  });
  res.end(payload);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function route(engine: SimulatorEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const raw = await readBody(req);
  const body = raw.toString('utf8');
  if (path.startsWith(adminPrefix) || path === adminPrefix.slice(0, -1)) {
    const id = requestId();
    let parsed: unknown = {};
    try {
      parsed = parseBody(body);
    } catch {
      send(res, 400, 'application/json', id, { error: 'the body is not valid JSON' });
      return;
    }
    try {
      const out = handleAdmin(engine, req.method ?? 'GET', path, parsed);
      send(res, out.status, 'application/json', id, out.body);
    } catch (err) {
      const bad = err instanceof AdminInputError || err instanceof RangeError;
      send(res, bad ? 400 : 500, 'application/json', id, { error: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if (isS3Request(req)) {
    await handleS3(engine, req, res, raw);
    return;
  }
  if (req.method !== 'POST') {
    send(res, 404, jsonContentType, requestId(), { __type: 'UnknownOperationException', message: 'AWS JSON 1.1 calls are POST /' });
    return;
  }
  const result = await engine.call({ target: header(req, 'x-amz-target'), authorization: header(req, 'authorization'), body });
  if (result.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  send(res, result.status, jsonContentType, result.requestId, result.body);
}

/** Creates (not yet listening) the HTTP server of the simulator: AWS JSON 1.1 on `POST /`, S3 REST-XML on path-style URLs, admin on `/_sim/`. */
export function createSimulatorServer(engine: SimulatorEngine): Server {
  const server = createServer((req, res) => {
    route(engine, req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const tooLarge = err instanceof BodyTooLarge;
      send(res, tooLarge ? 413 : 500, jsonContentType, requestId(), {
        __type: tooLarge ? 'SerializationException' : 'InternalFailure',
        message: tooLarge ? 'The request body is too large.' : String(err),
      });
    });
  });
  server.keepAliveTimeout = 5000;
  return server;
}

/** Starts listening; resolves with the bound address. */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      if (addr === null || typeof addr === 'string') reject(new Error('the simulator is not listening on a TCP port'));
      else resolve(addr);
    });
  });
}

/** Stops accepting connections and drops the open ones; resolves when the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
