/** Which names a source reads and which it ignores: one rule for directories and S3 keys. */

const MANIFEST = /\.ya?ml$/i;

/** Whether a file name is a manifest (`*.yaml` / `*.yml`). */
export function isManifestName(name: string): boolean {
  return MANIFEST.test(name);
}

/**
 * Whether a file or folder name is skipped: dotfiles and dot-folders (the controller's own
 * `.switchboard/` folder included) and editor swap, backup and lock files.
 */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') || // dotfiles, `.#lock` files, `.switchboard/`, Kubernetes' `..data`
    name.endsWith('~') || // backups
    /\.sw[a-p]$/i.test(name) || // vim swap files
    /\.tmp$/i.test(name) ||
    (name.startsWith('#') && name.endsWith('#')) // emacs auto-save
  );
}

/**
 * Whether a file event's name can change the manifests. Kubernetes volume mounts swap a `..data`
 * symlink (and create `..<timestamp>` folders) to publish a new version, so those count even
 * though they are dotfiles; a missing name (the platform did not say) counts too.
 */
export function isRelevantEventName(name: string | null | undefined): boolean {
  if (name === null || name === undefined || name === '') return true;
  const base = name.split(/[\\/]/).pop() ?? name;
  if (base.startsWith('..')) return true;
  return !isIgnoredName(base);
}

/** Whether a key (relative to the prefix) is a manifest: no dot-segment, no ignored name, a YAML extension. */
export function isManifestKey(relativeKey: string): boolean {
  const segments = relativeKey.split('/');
  if (segments.some((s) => s !== '' && isIgnoredName(s))) return false;
  return isManifestName(segments[segments.length - 1] ?? '');
}
