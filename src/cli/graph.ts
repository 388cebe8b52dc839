/**
 * `switchboard graph -f PATH`: the Service Connect map of the manifests, offline, as Mermaid (for
 * markdown: a pull request, a README) or DOT (Graphviz); with `--url`, each node carries the live
 * state a running controller reports for it.
 */
import { Option, type Command } from 'commander';
import { renderDot } from '../graph/dot.js';
import type { StatusLookup } from '../graph/labels.js';
import { renderMermaid } from '../graph/mermaid.js';
import { buildServiceMap } from '../graph/model.js';
import { statusLookup } from '../graph/status.js';
import { addFilenameFlag, loadManifests, reportProblems } from './common.js';
import { addStatusClientFlags, fetchStatus, type StatusClientFlags } from './status.js';

interface GraphFlags extends Omit<StatusClientFlags, 'url'> {
  url?: URL;
  filename: string[];
  format: 'mermaid' | 'dot';
  cluster: string;
}

/** Registers `switchboard graph`: exit 0 with the map on stdout, 1 when a manifest is invalid or the controller cannot be read. */
export function registerGraph(program: Command, setExit: (code: number) => void): void {
  const cmd = addFilenameFlag(program.command('graph'))
    .description('Draw the Service Connect map of the manifests: namespaces, their servers (ports, discovery names, aliases) and clients, offline; with --url, each one\'s live state.')
    .addOption(new Option('--format <format>', 'mermaid (renders in GitHub and GitLab markdown) or dot (Graphviz)').choices(['mermaid', 'dot']).default('mermaid'))
    .option('--cluster <name>', 'the cluster for Services that name none', 'default');
  addStatusClientFlags(cmd, { url: 'a running controller\'s HTTP address (its --listen): colour each node by its state' });
  cmd.action(async (flags: GraphFlags) => {
    const loaded = await loadManifests(flags.filename);
    reportProblems(loaded);
    if (!loaded.valid) {
      setExit(1);
      return;
    }
    let status: StatusLookup | undefined;
    if (flags.url !== undefined) {
      try {
        status = statusLookup(await fetchStatus(flags.url, flags.timeout * 1000, flags.statusToken));
      } catch (err) {
        process.stderr.write(`graph: ${err instanceof Error ? err.message : String(err)}\n`);
        setExit(1);
        return;
      }
    }
    const map = buildServiceMap(loaded.resources, flags.cluster);
    process.stdout.write(flags.format === 'dot' ? renderDot(map, status) : renderMermaid(map, status));
  });
}
