import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTopActivations } from '../main/core/top-activations-build.ts';
import { buildNetwork } from '../main/engine/index.ts';
import { visualizeUnit } from '../main/explain/index.ts';
import { readModelFolder } from '../main/model-folder/folder.ts';

/**
 * `npx tsx scripts/eval-feature-vis.ts [--models native-models] [--per-layer N] [--json]`: for each
 * unit of both shipped models (the first N of each layer, default all), the feature visualization the
 * app computes, and whether its response beats the best of the 10,000 MNIST test digits (for an RBF
 * unit: a smaller distance). Prints the share per layer.
 */
const { values: args } = parseArgs({ options: { models: { type: 'string', default: 'native-models' }, 'per-layer': { type: 'string' }, json: { type: 'boolean', default: false } } });
const dir = resolve(args.models);
const perLayer = args['per-layer'] ? Number(args['per-layer']) : Number.POSITIVE_INFINITY;
const out: Record<string, Record<string, { units: number; beat: number; share: number; msPerUnit: number }>> = {};
for (const arch of ['modern', 'classic']) {
  const { spec, weights } = await readModelFolder(join(dir, arch));
  const net = buildNetwork(spec, { seed: 0 });
  net.setWeights(weights);
  const tops = await buildTopActivations({ modelDir: join(dir, arch), mnistDir: dir, k: 1, batch: 250 });
  out[arch] = {};
  for (const [li, l] of tops.layers.entries()) {
    const units = Math.min(l.channels, perLayer);
    let beat = 0;
    const t0 = performance.now();
    for (let c = 0; c < units; c++) {
      const r = visualizeUnit(net, li, c, l.positions, l.lowIsStrong, 28)!;
      if (l.lowIsStrong ? r.value < l.value[c] : r.value > l.value[c]) beat++;
    }
    out[arch][l.name] = { units, beat, share: beat / units, msPerUnit: (performance.now() - t0) / units };
    console.error(`${arch} ${l.name}: ${beat}/${units} beat the best test digit (${((100 * beat) / units).toFixed(0)}%)`);
  }
}
if (args.json) console.log(JSON.stringify(out));
