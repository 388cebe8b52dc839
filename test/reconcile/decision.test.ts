/** The one retry policy: what each failure category, hold and dependency decides. */
import { decideDependants, decideFailure, decideHold, DEFAULT_RECHECK, type Decision } from '../../src/reconcile/decision.js';
import { ReconcileError } from '../../src/reconcile/errors.js';
import type { ErrorCategory } from '../../src/reconcile/ports.js';

test.each<[ErrorCategory, Decision['type'], string | undefined]>([
  ['Throttled', 'backoff', undefined],
  ['Transient', 'backoff', undefined],
  ['Conflict', 'backoff', undefined],
  ['NotFound', 'backoff', undefined],
  ['Unknown', 'backoff', undefined],
  ['Invalid', 'terminal', 'InvalidInput'],
  ['QuotaExceeded', 'terminal', 'QuotaExceeded'],
  ['Denied', 'terminal', 'AccessDenied'],
])('a %s failure decides %s', (category, type, reason) => {
  const d = decideFailure(new ReconcileError('x', { category }));
  expect(d.type).toBe(type);
  if (d.type === 'terminal') expect(d.reason).toBe(reason);
});

test('a failed rollout is terminal with its own reason', () => {
  expect(decideFailure(new ReconcileError('x', { category: 'Invalid', code: 'RolloutFailed' }))).toMatchObject({ type: 'terminal', reason: 'RolloutFailed' });
});

test('holds: stalled is terminal, waiting rechecks after the time its work needs', () => {
  expect(decideHold({ kind: 'stalled', reason: 'OwnershipConflict' }, 'm', DEFAULT_RECHECK)).toMatchObject({ type: 'terminal', reason: 'OwnershipConflict' });
  expect(decideHold({ kind: 'waiting', reason: 'WaitingForDrain' }, 'm', DEFAULT_RECHECK)).toMatchObject({ type: 'recheck', afterMs: DEFAULT_RECHECK.drainCheckMs });
  expect(decideHold({ kind: 'waiting', reason: 'ServiceConnectPending' }, 'm', DEFAULT_RECHECK)).toMatchObject({ type: 'recheck', afterMs: DEFAULT_RECHECK.rolloutCheckMs });
});

test('dependants: stalled when every blocker is, rechecked when the blockers only progress, else backed off', () => {
  const terminal: Decision = { type: 'terminal', reason: 'InvalidInput', message: '' };
  const recheck: Decision = { type: 'recheck', afterMs: 5, reason: 'WaitingForDrain', message: '' };
  const backoff: Decision = { type: 'backoff', message: '' };
  expect(decideDependants([terminal, terminal], 'm')).toMatchObject({ type: 'terminal', reason: 'DependencyStalled' });
  expect(decideDependants([recheck], 'm')).toMatchObject({ type: 'recheck', afterMs: 5 });
  expect(decideDependants([terminal, backoff], 'm')).toMatchObject({ type: 'backoff' });
});
