import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core/core.ts';
import { TOP_CACHE_FILE } from '../../main/core/top-activations-cache.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import type { ExtensionOptions } from './extensions.ts';

/**
 * Top-activating examples, start to cached: the core asked for one unit of the modern model with no
 * cache, which builds every unit's lists over the 10,000 shipped MNIST test digits in a worker (ONNX
 * Runtime in batches) and writes the cache; timed until the cache file exists and the answer is ready.
 */
const root = resolve(import.meta.dirname, '../..');

export async function measure(options: ExtensionOptions): Promise<Record<string, number> | { skipped: string }> {
  const bundled = join(root, 'native-models');
  if (!existsSync(join(bundled, 't10k-images-idx3-ubyte.gz'))) return { skipped: 'the shipped MNIST test digits are missing (npx tsx scripts/build-mnist-test.ts)' };
  const runs = options.quick ? 1 : 3;
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const models = await mkdtemp(join(tmpdir(), 'lenet-tops-bench-'));
    const cache = await mkdtemp(join(tmpdir(), 'lenet-tops-bench-cache-'));
    await symlink(resolve(options.modelDir), join(models, 'modern'), 'junction');
    const core = await createCore({ roots: [{ dir: models, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: 'bench', transport: 'web', mnistDir: bundled, cacheDir: cache });
    try {
      const t0 = performance.now();
      for (;;) {
        const r = await core.topActivations({ layer: 'C1', unit: 0 });
        if (r.state === 'failed') return { skipped: `the build failed: ${r.message}` };
        if (r.state === 'ready') break;
        await new Promise((done) => setTimeout(done, 20));
      }
      if (!existsSync(join(cache, 'modern', TOP_CACHE_FILE))) return { skipped: 'the cache was not written' };
      seconds.push((performance.now() - t0) / 1000);
      options.log(`top activations: built and cached in ${seconds.at(-1)!.toFixed(2)} s`);
    } finally {
      await core.close();
      await rm(models, { recursive: true, force: true });
      await rm(cache, { recursive: true, force: true });
    }
  }
  seconds.sort((a, b) => a - b);
  return { topActivationsBuildSec: seconds[Math.floor(seconds.length / 2)], topActivationsBuildMinSec: seconds[0], topActivationsBuildRuns: runs };
}

if (process.argv[1] === import.meta.filename) {
  void measure({ quick: process.argv.includes('--quick'), modelDir: join(root, 'native-models/modern'), log: (l) => console.error(l) }).then((r) => console.log(JSON.stringify(r)));
}
