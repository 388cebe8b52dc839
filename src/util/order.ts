/**
 * Orders strings by UTF-16 code unit, as `<` does: the same on every machine and locale, which
 * `localeCompare` is not, so listings and revisions built from them are reproducible.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
