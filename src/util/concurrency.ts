/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** An item of a dependency graph: its key, and the keys it waits for. */
export interface GraphItem {
  key: string;
  dependsOn: readonly string[];
}

/**
 * Runs `fn` over a dependency graph with at most `limit` calls in flight: an item starts as soon as
 * every item it depends on (among `items`) has finished, whether that succeeded or not (`fn`
 * decides what a failed dependency means). Among ready items the highest `priority` goes first,
 * then input order. Dependencies on keys not in `items` count as met. Results keep the input order.
 */
export async function mapGraph<T extends GraphItem, R>(
  items: readonly T[],
  limit: number,
  priority: (item: T) => number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const index = new Map(items.map((item, i) => [item.key, i]));
  const waitingOn = items.map((item) => new Set(item.dependsOn.filter((d) => d !== item.key && index.has(d))));
  const dependants = new Map<string, number[]>();
  items.forEach((_, i) => {
    for (const d of waitingOn[i] ?? []) {
      const list = dependants.get(d);
      if (list) list.push(i);
      else dependants.set(d, [i]);
    }
  });
  const ready: number[] = [];
  const pending = new Set<number>();
  items.forEach((_, i) => ((waitingOn[i]?.size ?? 0) === 0 ? ready.push(i) : pending.add(i)));
  const rank = items.map((item) => priority(item));
  const takeReady = (): number | undefined => {
    if (ready.length === 0) return undefined;
    let best = 0;
    for (let j = 1; j < ready.length; j++) {
      const a = ready[j] as number;
      const b = ready[best] as number;
      if ((rank[a] as number) > (rank[b] as number) || ((rank[a] as number) === (rank[b] as number) && a < b)) best = j;
    }
    return ready.splice(best, 1)[0];
  };

  return new Promise<R[]>((resolve, reject) => {
    let running = 0;
    let finished = 0;
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      if (finished === items.length) {
        resolve(results);
        return;
      }
      // A cycle (which the planner never makes) would leave nothing ready and nothing running:
      // release the first waiting item rather than hang.
      if (running === 0 && ready.length === 0 && pending.size > 0) {
        const first = Math.min(...pending);
        pending.delete(first);
        ready.push(first);
      }
      while (running < Math.max(1, limit)) {
        const i = takeReady();
        if (i === undefined) return;
        running++;
        fn(items[i] as T).then(
          (r) => {
            results[i] = r;
            running--;
            finished++;
            for (const d of dependants.get((items[i] as T).key) ?? []) {
              const waits = waitingOn[d];
              waits?.delete((items[i] as T).key);
              if (waits?.size === 0 && pending.delete(d)) ready.push(d);
            }
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err);
          },
        );
      }
    };
    pump();
  });
}
