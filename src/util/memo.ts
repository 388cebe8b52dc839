/**
 * `compute` at most once per object, remembered for as long as the object lives: for values
 * derived from nothing but an object that never changes (a loaded manifest's resource).
 */
export function memoizeByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const known = new WeakMap<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}
