import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNetwork, MODERN_LENET5 } from '../../main/engine/index.ts';
import { MODEL_FILE, writeModelFolder } from '../../main/model-folder/folder.ts';

export interface ModelSource {
  readonly dir: string;
  /** What the figures were measured on, for the report. */
  readonly description: string;
  readonly trained: boolean;
  /** Removes a temporary folder; a no-op for a real one. */
  dispose(): Promise<void>;
}

/**
 * The trained model folder when there is one; otherwise a folder of random weights written to a
 * temporary directory. Latency does not depend on the weights' values, only on the graph.
 */
export async function resolveModel(preferred: string): Promise<ModelSource> {
  if (existsSync(join(preferred, MODEL_FILE))) {
    return { dir: preferred, description: preferred, trained: true, dispose: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'lenet-bench-'));
  const weights = buildNetwork(MODERN_LENET5, { seed: 1 }).getWeights();
  await writeModelFolder(dir, { spec: MODERN_LENET5, weights, meta: { arch: 'modern', title: 'random weights for the benchmark' } });
  return {
    dir,
    description: `random-weight modern LeNet-5 in ${dir} (no trained model at ${preferred})`,
    trained: false,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
