/**
 * V8 heap settings for the long-lived controller.
 *
 * Every pass allocates a few hundred bytes per resource that live until the pass ends (the live
 * state read from AWS, canonical forms, plans, results), so they survive the young generation and
 * are promoted. With V8's default heap growing factor (up to 4x the live size) the old generation
 * then grows to several times what is live before a full collection: at N = 1,000 services about
 * 35 MB live became 100+ MB of heap. A growing factor of 1.3 collects sooner, for a few percent
 * more CPU per pass.
 *
 * `--heap-growing-percent` is read by V8 each time it sets the next collection's limit, so it can
 * be set from here, for `run` alone, whatever launched the process. The young generation's size is
 * fixed when the process starts, so it is set where node is started: the image's NODE_OPTIONS carry
 * DAEMON_NODE_OPTIONS. At N = 1,000 a semi-space of 8 MB instead of V8's 16 MB took peak RSS from
 * about 160 to 140 MiB for about 5-10% more CPU per pass; 4 MB took it to 134 MiB for about 40%
 * more.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to 1.3x what was live after the last full collection. */
export const DAEMON_HEAP_GROWING_PERCENT = 30;

/** Node options the image starts the controller with (its Dockerfile sets NODE_OPTIONS to them). */
export const DAEMON_NODE_OPTIONS = '--max-semi-space-size=8';

const FLAG = '--heap-growing-percent';

/** Whether the process was started with the flag (node options or NODE_OPTIONS): that setting wins. */
export function heapGrowthSetAtLaunch(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const given = (arg: string): boolean => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg.startsWith('--heap_growing_percent');
  return execArgv.some(given) || (nodeOptions ?? '').split(/\s+/).some(given);
}

/** Applies the controller's heap settings to this process, unless its launch already chose them. */
export function tuneHeapForDaemon(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS): boolean {
  if (heapGrowthSetAtLaunch(execArgv, nodeOptions)) return false;
  setFlagsFromString(`${FLAG}=${DAEMON_HEAP_GROWING_PERCENT}`);
  return true;
}
