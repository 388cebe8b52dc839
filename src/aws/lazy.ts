/**
 * A value built on first use, for SDK clients whose modules cost resident memory that a
 * configuration may never need. Concurrent first callers share one build; a failed build is not
 * remembered, so the next caller tries again.
 */
export function lazily<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
