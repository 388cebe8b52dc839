import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { CreateHttpNamespaceCommand, GetOperationCommand } from '@aws-sdk/client-servicediscovery';
import { StateFileError } from '../../src/simulator/persistence.js';
import { clientsFor, destroyClients, eventually, startTestSimulator } from './helpers.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sim-state-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('state saved to a file is there after a restart, including async work still in flight', async () => {
  const file = path.join(dir, 'state.json');
  const first = await startTestSimulator({ stateFile: file });
  const a = clientsFor(first);
  await a.ecs.send(new CreateClusterCommand({ clusterName: 'kept' }));
  const op = await a.sd.send(new CreateHttpNamespaceCommand({ Name: 'kept.local', CreatorRequestId: 'kept' }));
  destroyClients(a);
  await first.close();
  expect(existsSync(file)).toBe(true);

  const second = await startTestSimulator({ stateFile: file });
  const b = clientsFor(second);
  try {
    const out = await b.ecs.send(new DescribeClustersCommand({ clusters: ['kept'] }));
    expect(out.clusters?.[0]?.clusterArn).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/kept');
    const status = await eventually(async () => {
      const o = await b.sd.send(new GetOperationCommand({ OperationId: op.OperationId }));
      return o.Operation?.Status === 'SUCCESS' ? o.Operation.Status : undefined;
    });
    expect(status).toBe('SUCCESS');
  } finally {
    destroyClients(b);
    await second.close();
  }
});

test('changes are saved while running, without waiting for close', async () => {
  const file = path.join(dir, 'live.json');
  const sim = await startTestSimulator({ stateFile: file, saveDebounceMs: 10 });
  const c = clientsFor(sim);
  try {
    await c.ecs.send(new CreateClusterCommand({ clusterName: 'live' }));
    await eventually(async () => (existsSync(file) ? true : undefined));
  } finally {
    destroyClients(c);
    await sim.close();
  }
});

test('a state file that is not simulator state refuses to load', async () => {
  const file = path.join(dir, 'bad.json');
  writeFileSync(file, '{"hello": 1}');
  await expect(startTestSimulator({ stateFile: file })).rejects.toBeInstanceOf(StateFileError);
});
