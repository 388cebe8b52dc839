/**
 * The live state a map shows on each node, from a controller's status document: Ready,
 * Reconciling, Stalled (the manifest is invalid), NotReady (failed, blocked) and why.
 */
import type { Condition, ResourceStatus, StatusDocument } from '../observe/status.js';

export type NodeState = 'Ready' | 'Reconciling' | 'Stalled' | 'NotReady';

export interface NodeStatus {
  state: NodeState;
  /** The condition's reason, e.g. `InvalidManifest`, `ReconcileFailed`. */
  reason: string;
  message: string;
}

function condition(r: ResourceStatus, type: Condition['type']): Condition | undefined {
  return r.conditions.find((c) => c.type === type);
}

/** One resource's state: Stalled wins, then Reconciling (while not failed), Ready, else NotReady. */
export function nodeStatus(r: ResourceStatus): NodeStatus {
  const ready = condition(r, 'Ready');
  const stalled = condition(r, 'Stalled');
  const reconciling = condition(r, 'Reconciling');
  if (stalled?.status === 'True') return { state: 'Stalled', reason: stalled.reason, message: stalled.message };
  if (reconciling?.status === 'True' && ready?.status !== 'False') return { state: 'Reconciling', reason: reconciling.reason, message: reconciling.message };
  if (ready?.status === 'True') return { state: 'Ready', reason: ready.reason, message: '' };
  return { state: 'NotReady', reason: ready?.reason ?? 'Unknown', message: ready?.message ?? r.lastError?.message ?? '' };
}

/** Every resource's state by key. */
export function nodeStatuses(doc: StatusDocument): Map<string, NodeStatus> {
  return new Map(doc.resources.map((r) => [r.key, nodeStatus(r)]));
}
