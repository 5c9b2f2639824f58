// Bundles the node and the sentinel into one ES module each (dist/bundle/), after tsc.
// Why: Node 20 resolves, reads and links each of the ~400 modules of dist/server one by one at
// every start; that was most of a node's start-up CPU and made `clusterctl up` of six nodes on two
// cores wait seconds for imports. One file parses in a fraction of that. npm packages stay external
// (node_modules as installed); bin/ falls back to dist/ when the bundle is missing or older than it.
import { build } from 'esbuild';

const entries = [
  { in: 'dist/server/main.js', out: 'dist/bundle/clusterctl-node' },
  { in: 'dist/sentinel/main.js', out: 'dist/bundle/clusterctl-sentinel' },
];

await build({
  entryPoints: entries,
  outdir: '.',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
