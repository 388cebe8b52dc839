/**
 * The controller's status, Kubernetes-style: per resource key the `Ready`, `Reconciling` and
 * `Stalled` conditions, the revision last reconciled, the last change set and the last error;
 * plus the source, the last pass and readiness. The loop writes it; `/status` and
 * `switchboard status` read `toJSON()`.
 *
 * The document never carries desired specs (they hold environment values): only keys,
 * conditions, reasons and field-level change sets whose secret-looking values are masked.
 */
import type { ResourceResult } from '../reconcile/apply.js';
import type { Decision } from '../reconcile/decision.js';
import type { FieldChange } from '../reconcile/diff.js';
import { looksSecret, MASK, maskJson, maskText } from '../util/secrets.js';
import { truncateJson, truncateText } from '../util/truncate.js';
import type { JsonValue } from '../reconcile/ports.js';
import type { Problem } from '../manifests/problems.js';
import { kindOf, passResult, type PassReport, type PassResult } from './pass.js';

export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  /** A CamelCase machine-readable cause, e.g. `Configured`, `ReconcileFailed`, `InvalidManifest`. */
  reason: string;
  message: string;
  /** ISO time the status last flipped (not when the reason or message last changed). */
  lastTransitionTime: string;
}

export interface ErrorInfo {
  message: string;
  code?: string;
  requestId?: string;
}

export interface ChangeSetStatus {
  time: string;
  revision: string;
  outcome: ResourceResult['outcome'];
  changes: FieldChange[];
  /** How many further changes were left out to keep the document bounded. */
  truncated?: number;
}

export interface LocatedProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  path?: string;
  hint?: string;
}

/** What the store needs of an apply result (its decision, when the reconcile side made one). */
export type RecordedResult = Omit<ResourceResult, 'decision' | 'error'> & { decision?: Decision; error?: ErrorInfo };

export interface ResourceStatus {
  key: string;
  kind: string;
  name: string;
  observedRevision?: string;
  lastReconcileTime?: string;
  conditions: Condition[];
  lastChangeSet?: ChangeSetStatus;
  lastError?: ErrorInfo;
  /** The validation errors behind a `Stalled` condition. */
  problems?: LocatedProblem[];
}

export interface SourceInfo {
  /** What is watched, e.g. `directory ./manifests` or `s3://bucket/prefix/`. */
  description: string;
  revision: string;
  /** False when the last listing may be partial (prune is blocked). */
  complete: boolean;
  lastError?: ErrorInfo;
}

export interface SourceStatus extends SourceInfo {
  updatedAt: string;
}

export interface PassStatus {
  pass: number;
  revision: string;
  result: PassResult;
  trigger?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: Partial<Record<ResourceResult['outcome'], number>>;
  error?: string;
}

export interface PrunedStatus {
  key: string;
  revision: string;
  time: string;
}

/** Which controller writes: this one (leader) or another one (this one stands by), from the lease. */
export interface LeadershipStatus {
  role: 'leader' | 'standby';
  /** When this process became leader or standby. */
  since: string;
  /** This process's holder id. */
  identity: string;
  /** The holder last seen in the lease (`''`: released; absent: not known yet). */
  holder?: string;
  /** `s3://bucket/key` of the lease object. */
  lease: string;
}

/** The status document served at `/status`. */
export interface StatusDocument {
  kind: 'SwitchboardStatus';
  generatedAt: string;
  controller: { startedAt: string; ready: boolean; firstFullPassAt?: string; leadership?: LeadershipStatus };
  source?: SourceStatus;
  lastPass?: PassStatus;
  lastSuccessfulPass?: PassStatus;
  summary: { resources: number; ready: number; notReady: number; reconciling: number; stalled: number };
  resources: ResourceStatus[];
  /** The most recently deleted resources, newest first. */
  recentlyPruned: PrunedStatus[];
}

export interface StatusStoreOptions {
  /** The clock (epoch milliseconds); tests inject one. */
  now?: () => number;
}

const MAX_CHANGES = 50;
const MAX_PROBLEMS = 20;
const MAX_PRUNED = 20;

const READY_REASON: Record<ResourceResult['outcome'], string> = {
  created: 'Created',
  configured: 'Configured',
  unchanged: 'UpToDate',
  deleted: 'Deleted',
  skipped: 'Skipped',
  failed: 'ReconcileFailed',
};

const MAX_PATHS_SHOWN = 5;

/**
 * What a Ready resource's message says: what the pass did, in the past tense. (A result's reason
 * says why the plan acted — "service web does not exist in cluster shop" — which read as an
 * error once the service existed.)
 */
function readyMessage(result: RecordedResult): string {
  const paths = [...new Set(result.changes.map((c) => c.path).filter((p) => p !== ''))];
  const shown = paths.slice(0, MAX_PATHS_SHOWN).join(', ');
  const more = paths.length > MAX_PATHS_SHOWN ? ` and ${paths.length - MAX_PATHS_SHOWN} more` : '';
  switch (result.outcome) {
    case 'created':
      return 'created';
    case 'configured':
      return paths.length > 0 ? `configured: ${shown}${more}` : 'configured';
    case 'unchanged':
    case 'skipped':
    case 'deleted':
    case 'failed':
      return result.reason;
    default: {
      const never: never = result.outcome;
      return never;
    }
  }
}

/** A message as the document shows it: credentials masked, at most about 1 KB. */
function bounded(text: string): string {
  return truncateText(maskText(text));
}

/** Formats a problem as `file:line:col: message`, the way users find it in their editor. */
export function locateProblem(p: Pick<Problem, 'file' | 'line' | 'column' | 'message'>): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

// The name a change's value sits under: `environment[DB_PASSWORD]`, `environment[DB_PASSWORD].value`,
// `dockerLabels.com.example.api-key` (the last segment), `options.apikey`.
const SECRET_PAIR_PATH = /\[([^\]]+)\](?:\.value)?$/;

/** Masks (and bounds) a change the caller should already have masked: by the name it sits under, then throughout. */
export function maskChange(c: FieldChange): FieldChange {
  const pair = SECRET_PAIR_PATH.exec(c.path)?.[1];
  const last = c.path.slice(c.path.lastIndexOf('.') + 1);
  const secret = (pair !== undefined && /environment|secrets/i.test(c.path) && looksSecret(pair)) || looksSecret(last);
  const mask = (v: JsonValue): JsonValue => truncateJson(secret && (typeof v !== 'object' || v === null) ? MASK : maskJson(v));
  const out: FieldChange = { path: c.path };
  if (c.old !== undefined) out.old = mask(c.old);
  if (c.new !== undefined) out.new = mask(c.new);
  return out;
}

interface Entry {
  key: string;
  /** The entry rendered as it appears in the document, until it next changes. */
  text?: string;
  conditions: Map<ConditionType, Condition>;
  observedRevision?: string;
  lastReconcileTime?: number;
  lastChangeSet?: ChangeSetStatus;
  lastError?: ErrorInfo;
  problems?: LocatedProblem[];
}

interface PassEntry {
  report: PassReport;
  startedAt: number;
  finishedAt: number;
  result: PassResult;
}

/** Holds the controller's status in memory; every method is synchronous and never throws on unknown keys. */
export class StatusStore {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly entries = new Map<string, Entry>();
  private pruned: PrunedStatus[] = [];
  private source: SourceStatus | undefined;
  private lastPassEntry: PassEntry | undefined;
  private lastSuccess: PassEntry | undefined;
  private firstFullPassAt: number | undefined;
  private leadership: LeadershipStatus | undefined;
  private sortedKeys: string[] | undefined;
  private changes = 0;

  constructor(options: StatusStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Increases with every change to the document, so a reader can tell a rendering is still current. */
  get version(): number {
    return this.changes;
  }

  /** Marks `key` as being reconciled at `revision`: Reconciling=True, Stalled=False; Ready=Unknown only if never decided. */
  markReconciling(key: string, revision: string): void {
    const e = this.entry(key);
    this.set(e, 'Reconciling', 'True', 'Progressing', `reconciling revision ${revision}`);
    this.set(e, 'Stalled', 'False', 'Progressing', '');
    const ready = e.conditions.get('Ready');
    if (!ready || ready.status === 'Unknown') {
      this.set(e, 'Ready', 'Unknown', 'Progressing', `reconciling revision ${revision}`);
    }
    this.changed(e);
  }

  /**
   * Records the outcome of reconciling `key` at `revision`. A `deleted` result drops the resource
   * and lists it under `recentlyPruned`; a result that needs attention makes Ready=False.
   */
  recordResult(key: string, revision: string, result: RecordedResult): void {
    const now = this.now();
    if (result.outcome === 'deleted') {
      this.forget(key);
      this.pruned = [{ key, revision, time: iso(now) }, ...this.pruned.filter((p) => p.key !== key)].slice(0, MAX_PRUNED);
      return;
    }
    const e = this.entry(key);
    e.observedRevision = revision;
    e.lastReconcileTime = now;
    e.problems = undefined;
    if (result.changes.length > 0 && result.outcome !== 'failed' && result.outcome !== 'skipped') {
      const changes = result.changes.slice(0, MAX_CHANGES).map(maskChange);
      const truncated = result.changes.length - changes.length;
      e.lastChangeSet = { time: iso(now), revision, outcome: result.outcome, changes, ...(truncated > 0 ? { truncated } : {}) };
    }
    const decision = result.decision;
    // What comes next decides Stalled and Reconciling: a terminal decision stalls the resource with
    // its reason (RolloutFailed, PersistentDrift, ...); a recheck keeps it Reconciling (a rollout in
    // progress, a name waiting for its old service to drain).
    const stalled = decision?.type === 'terminal' ? decision : undefined;
    const progressing = decision?.type === 'recheck' ? decision : undefined;
    this.set(e, 'Reconciling', progressing ? 'True' : 'False', progressing?.reason ?? READY_REASON[result.outcome], progressing?.message ?? '');
    this.set(e, 'Stalled', stalled ? 'True' : 'False', stalled?.reason ?? READY_REASON[result.outcome], stalled ? result.reason : '');
    if (result.outcome === 'failed') {
      const error: ErrorInfo = { message: bounded(result.error?.message ?? result.reason) };
      if (result.error?.code !== undefined) error.code = result.error.code;
      if (result.error?.requestId !== undefined) error.requestId = result.error.requestId;
      e.lastError = error;
      this.set(e, 'Ready', 'False', stalled?.reason ?? 'ReconcileFailed', result.reason || error.message);
    } else if (stalled) {
      this.set(e, 'Ready', 'False', stalled.reason, result.reason);
    } else if (progressing && (result.outcome === 'unchanged' || result.outcome === 'skipped')) {
      // Nothing left to write, but not there yet (a rollout under way, Service Connect pending).
      this.set(e, 'Ready', 'False', progressing.reason, result.reason);
    } else if (result.needsAttention) {
      this.set(e, 'Ready', 'False', result.outcome === 'skipped' ? 'Blocked' : READY_REASON[result.outcome], result.reason);
    } else {
      e.lastError = undefined;
      this.set(e, 'Ready', 'True', READY_REASON[result.outcome], readyMessage(result));
    }
    this.changed(e);
  }

  /** Marks `key` Stalled (reason `InvalidManifest`) with its located validation errors; its AWS resources are left alone. */
  markStalled(key: string, revision: string, problems: readonly Problem[]): void {
    const e = this.entry(key);
    const errors = problems.filter((p) => p.severity === 'error');
    const shown = errors.length > 0 ? errors : problems;
    const message = shown.length === 0 ? 'the manifest is invalid' : shown.map(locateProblem).join('; ');
    e.observedRevision = revision;
    e.lastReconcileTime = this.now();
    e.problems = shown.slice(0, MAX_PROBLEMS).map((p) => ({
      file: p.file,
      line: p.line,
      column: p.column,
      message: p.message,
      ...(p.path !== undefined ? { path: p.path } : {}),
      ...(p.hint !== undefined ? { hint: p.hint } : {}),
    }));
    this.set(e, 'Stalled', 'True', 'InvalidManifest', message);
    this.set(e, 'Ready', 'False', 'InvalidManifest', message);
    this.set(e, 'Reconciling', 'False', 'InvalidManifest', '');
    this.changed(e);
  }

  /** Marks `key` not Ready because something outside it blocks progress (a dependency, prune safety, a stalled source). */
  markBlocked(key: string, message: string): void {
    const e = this.entry(key);
    this.set(e, 'Ready', 'False', 'Blocked', message);
    this.set(e, 'Reconciling', 'False', 'Blocked', '');
    this.changed(e);
  }

  /** Forgets `key` (its manifest is gone and nothing was deleted, e.g. prune is off). */
  remove(key: string): void {
    this.forget(key);
  }

  /** Records what the source last delivered (or failed to). */
  setSource(info: SourceInfo): void {
    this.source = { ...info, updatedAt: iso(this.now()), ...(info.lastError ? { lastError: { ...info.lastError, message: bounded(info.lastError.message) } } : {}) };
    this.changed();
  }

  /** What the source last delivered (or failed to), if anything yet. */
  get sourceStatus(): SourceStatus | undefined {
    return this.source === undefined ? undefined : { ...this.source };
  }

  /** Records a finished pass; a pass whose result is `success` also becomes the last successful pass. */
  recordPass(report: PassReport): void {
    const finishedAt = this.now();
    const started = report.startedAt instanceof Date ? report.startedAt.getTime() : report.startedAt ?? finishedAt - report.durationMs;
    const entry: PassEntry = { report: { ...report, counts: { ...report.counts } }, startedAt: started, finishedAt, result: passResult(report) };
    this.lastPassEntry = entry;
    if (entry.result === 'success') this.lastSuccess = entry;
    this.changed();
  }

  /** Marks readiness: the first full pass over every desired resource has finished. Idempotent. */
  firstFullPassDone(): void {
    if (this.firstFullPassAt !== undefined) return;
    this.firstFullPassAt = this.now();
    this.changed();
  }

  /** Records whether this process leads or stands by (only when a lease is used). */
  setLeadership(leadership: LeadershipStatus): void {
    this.leadership = { ...leadership };
    this.changed();
  }

  /** `leader since …` / `standby since …, <holder> leads`, for `/readyz`; undefined without a lease. */
  leadershipLine(): string | undefined {
    const l = this.leadership;
    if (l === undefined) return undefined;
    if (l.role === 'leader') return `leader since ${l.since}`;
    return `standby since ${l.since}${l.holder ? `, ${l.holder} leads` : ''}`;
  }

  /** True once the first full pass has finished (what `/readyz` reports). */
  isReady(): boolean {
    return this.firstFullPassAt !== undefined;
  }

  /** The last pass whose result was `success`, if any. */
  get lastSuccessfulPass(): PassStatus | undefined {
    return this.lastSuccess ? renderPass(this.lastSuccess) : undefined;
  }

  /** The keys currently tracked, sorted. */
  keys(): string[] {
    this.sortedKeys ??= [...this.entries.keys()].sort();
    return [...this.sortedKeys];
  }

  /** The status of one resource, or undefined when it is not tracked. */
  get(key: string): ResourceStatus | undefined {
    const e = this.entries.get(key);
    return e ? renderEntry(e) : undefined;
  }

  /** The status document (resources sorted by key). */
  toJSON(): StatusDocument {
    return this.document(this.keys().flatMap((k) => {
      const e = this.entries.get(k);
      return e ? [renderEntry(e)] : [];
    }));
  }

  /**
   * The status document as indented JSON text, exactly `JSON.stringify(toJSON(), null, 2)`, built
   * from each resource's text as last rendered: a resource is serialised once per change of its
   * own, so a large document costs a join, not a serialisation, per reader.
   */
  toJsonText(): string {
    const texts = this.keys().flatMap((k) => {
      const e = this.entries.get(k);
      if (e === undefined) return [];
      e.text ??= JSON.stringify(renderEntry(e), null, 2).replace(/\n/g, `\n${RESOURCE_INDENT}`);
      return [e.text];
    });
    const head = JSON.stringify(this.document([]), null, 2);
    if (texts.length === 0) return head;
    // The empty list's place is unique: a JSON string cannot hold a raw line break.
    return head.replace(EMPTY_RESOURCES, `\n  "resources": [\n${RESOURCE_INDENT}${texts.join(`,\n${RESOURCE_INDENT}`)}\n  ]`);
  }

  private document(resources: ResourceStatus[]): StatusDocument {
    let ready = 0;
    let reconciling = 0;
    let stalled = 0;
    for (const e of this.entries.values()) {
      if (e.conditions.get('Ready')?.status === 'True') ready++;
      if (e.conditions.get('Reconciling')?.status === 'True') reconciling++;
      if (e.conditions.get('Stalled')?.status === 'True') stalled++;
    }
    const doc: StatusDocument = {
      kind: 'SwitchboardStatus',
      generatedAt: iso(this.now()),
      controller: {
        startedAt: iso(this.startedAt),
        ready: this.isReady(),
        ...(this.firstFullPassAt !== undefined ? { firstFullPassAt: iso(this.firstFullPassAt) } : {}),
        ...(this.leadership !== undefined ? { leadership: { ...this.leadership } } : {}),
      },
      summary: { resources: this.entries.size, ready, notReady: this.entries.size - ready, reconciling, stalled },
      resources,
      recentlyPruned: this.pruned.map((p) => ({ ...p })),
    };
    if (this.source) doc.source = { ...this.source };
    if (this.lastPassEntry) doc.lastPass = renderPass(this.lastPassEntry);
    if (this.lastSuccess) doc.lastSuccessfulPass = renderPass(this.lastSuccess);
    return doc;
  }

  /** Notes a change to the document (and to `e`'s rendering). */
  private changed(e?: Entry): void {
    this.changes++;
    if (e !== undefined) e.text = undefined;
  }

  private forget(key: string): void {
    if (!this.entries.delete(key)) return;
    this.sortedKeys = undefined;
    this.changed();
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = { key, conditions: new Map() };
      this.entries.set(key, e);
      this.sortedKeys = undefined;
    }
    return e;
  }

  /** Sets a condition; lastTransitionTime moves only when the status flips. */
  private set(e: Entry, type: ConditionType, status: ConditionStatus, reason: string, message: string): void {
    const prev = e.conditions.get(type);
    const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : iso(this.now());
    e.conditions.set(type, { type, status, reason, message: bounded(message), lastTransitionTime });
  }
}

const CONDITION_ORDER: readonly ConditionType[] = ['Ready', 'Reconciling', 'Stalled'];
// A resource's place in the indented document: two levels deep.
const RESOURCE_INDENT = '    ';
const EMPTY_RESOURCES = '\n  "resources": []';

function renderEntry(e: Entry): ResourceStatus {
  const slash = e.key.indexOf('/');
  const out: ResourceStatus = {
    key: e.key,
    kind: kindOf(e.key),
    name: slash < 0 ? e.key : e.key.slice(slash + 1),
    conditions: CONDITION_ORDER.flatMap((t) => {
      const c = e.conditions.get(t);
      return c ? [{ ...c }] : [];
    }),
  };
  if (e.observedRevision !== undefined) out.observedRevision = e.observedRevision;
  if (e.lastReconcileTime !== undefined) out.lastReconcileTime = iso(e.lastReconcileTime);
  if (e.lastChangeSet) out.lastChangeSet = { ...e.lastChangeSet, changes: e.lastChangeSet.changes.map((c) => ({ ...c })) };
  if (e.lastError) out.lastError = { ...e.lastError };
  if (e.problems) out.problems = e.problems.map((p) => ({ ...p }));
  return out;
}

function renderPass(p: PassEntry): PassStatus {
  const r = p.report;
  return {
    pass: r.pass,
    revision: r.revision,
    result: p.result,
    ...(r.trigger !== undefined ? { trigger: r.trigger } : {}),
    startedAt: iso(p.startedAt),
    finishedAt: iso(p.finishedAt),
    durationMs: Math.round(r.durationMs),
    counts: { ...r.counts },
    ...(r.error !== undefined ? { error: bounded(r.error) } : {}),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
