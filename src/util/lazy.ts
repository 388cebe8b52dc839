/**
 * Values built on first use, for SDK clients whose modules cost resident memory that a
 * configuration may never need. Concurrent first callers share one build; a failed build is not
 * remembered, so the next caller tries again.
 */

/** A value built on first use that holds something to release (connections), and its release. */
export interface LazyResource<T> {
  get(): Promise<T>;
  /** Releases the value if it was built; one still being built is released once it is. */
  close(): void;
}

export function lazyResource<T>(build: () => Promise<T>, release: (value: T) => void): LazyResource<T> {
  let pending: Promise<T> | undefined;
  let built: T | undefined;
  let closed = false;
  return {
    get() {
      pending ??= build().then(
        (value) => {
          // Asked for during shutdown: hand it out, but nothing will release it later.
          if (closed) release(value);
          else built = value;
          return value;
        },
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return pending;
    },
    close() {
      closed = true;
      if (built !== undefined) release(built);
    },
  };
}

/** A value built on first use that needs no release. */
export function lazily<T>(build: () => Promise<T>): () => Promise<T> {
  const resource = lazyResource(build, () => undefined);
  return () => resource.get();
}
