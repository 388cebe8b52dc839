/** Service Connect members compared only when a manifest states them, and the stated part of a live value. */
import { canonicalServiceConnect, namespaceIndex, serviceConnectAsStated, statedPart } from '../../src/reconcile/normalize-service.js';
import { jsonEqual } from '../../src/reconcile/canonical.js';
import type { JsonObject } from '../../src/reconcile/ports.js';

const NS_ARN = 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-0123456789abcdef';
const index = namespaceIndex([{ name: 'shop', arn: NS_ARN }]);
const canonical = (sc: JsonObject): JsonObject => canonicalServiceConnect(sc, index);
const service = (extra: JsonObject = {}): JsonObject => ({ enabled: true, namespace: 'shop', services: [{ portName: 'http', clientAliases: [{ port: 80 }], ...extra }] });

function satisfied(desired: JsonObject, live: JsonObject): boolean {
  const want = canonical(desired);
  return jsonEqual(serviceConnectAsStated(canonical(live), want), want);
}

test('timeouts, TLS, an ingress port and test traffic rules AWS fills in are not differences when the manifest leaves them out', () => {
  const live = service({
    clientAliases: [{ port: 80, testTrafficRules: { header: { name: 'x-canary', value: { exact: 'yes' } } } }],
    ingressPortOverride: 8080,
    timeout: { idleTimeoutSeconds: 300, perRequestTimeoutSeconds: 15 },
    tls: { issuerCertificateAuthority: { awsPcaAuthorityArn: 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/1' } },
  });
  expect(satisfied(service(), live)).toBe(true);
  expect(satisfied(service(), { ...live, containerConfigurations: [{ logLevel: 'info' }] })).toBe(true);
});

test('a stated member is compared on what it states, and a differing value is a difference', () => {
  const live = service({ timeout: { idleTimeoutSeconds: 300, perRequestTimeoutSeconds: 15 } });
  expect(satisfied(service({ timeout: { idleTimeoutSeconds: 300 } }), live)).toBe(true);
  expect(satisfied(service({ timeout: { idleTimeoutSeconds: 600 } }), live)).toBe(false);
  expect(satisfied({ ...service(), containerConfigurations: [{ logLevel: 'debug' }] }, { ...service(), containerConfigurations: [{ logLevel: 'info' }] })).toBe(false);
  expect(satisfied({ ...service(), containerConfigurations: [{ logLevel: 'debug' }] }, service())).toBe(false);
});

test('a KMS key named by id or alias matches the ARN that ends with it, and no other', () => {
  const ca = { issuerCertificateAuthority: { awsPcaAuthorityArn: 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/1' } };
  const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1111';
  const aliasArn = 'arn:aws:kms:us-east-1:123456789012:alias/mesh';
  expect(satisfied(service({ tls: { ...ca, kmsKey: '1111' } }), service({ tls: { ...ca, kmsKey: keyArn } }))).toBe(true);
  expect(satisfied(service({ tls: { ...ca, kmsKey: 'alias/mesh' } }), service({ tls: { ...ca, kmsKey: aliasArn } }))).toBe(true);
  expect(satisfied(service({ tls: { ...ca, kmsKey: keyArn } }), service({ tls: { ...ca, kmsKey: keyArn } }))).toBe(true);
  expect(satisfied(service({ tls: { ...ca, kmsKey: '2222' } }), service({ tls: { ...ca, kmsKey: keyArn } }))).toBe(false);
  expect(satisfied(service({ tls: { ...ca, kmsKey: 'alias/other' } }), service({ tls: { ...ca, kmsKey: aliasArn } }))).toBe(false);
});

test('a service, an alias or the whole block added or removed is still a difference', () => {
  const two: JsonObject = { enabled: true, namespace: 'shop', services: [{ portName: 'http' }, { portName: 'api' }] };
  expect(satisfied({ enabled: true, namespace: 'shop', services: [{ portName: 'http' }] }, two)).toBe(false);
  expect(satisfied(service(), { enabled: true, namespace: 'shop', services: [{ portName: 'http' }] })).toBe(false);
  expect(satisfied({ enabled: false }, service())).toBe(false);
});

test('the stated part of a live value keeps the stated keys only', () => {
  expect(statedPart({ maximumPercent: 150 }, { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: false } })).toEqual({ maximumPercent: 200 });
  expect(statedPart([{ containerName: 'app' }], [{ containerName: 'web', containerPort: 80 }])).toEqual([{ containerName: 'web' }]);
  expect(statedPart([{ a: 1 }], [{ a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
  expect(statedPart({ a: 1 }, undefined)).toBeUndefined();
});
