import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildNetwork, CLASSIC_LENET5, MODERN_LENET5 } from '../../main/engine/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
const ARCHS = ['modern', 'classic'] as const;
/** main/training's replay set file name (kept here so the test helpers do not load the training code). */
const REPLAY_FILE = 'replay-mnist.bin';

/**
 * The model folders the end-to-end tests run against: the shipped ones when both exist, otherwise
 * seeded random-weight folders written by the same code training uses. The tests compare the page with
 * the core on the same ink, so they hold for any weights. Fine-tuning also needs the replay set shipped
 * beside the models (native-models/replay-mnist.bin): it is copied in when it exists.
 */
export async function modelsForTests(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const shipped = join(PROJECT_ROOT, 'native-models');
  if (ARCHS.every((arch) => existsSync(join(shipped, arch, 'model.onnx')))) return { dir: shipped, cleanup: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'lenet-e2e-models-'));
  for (const [i, arch] of ARCHS.entries()) {
    const spec = arch === 'modern' ? MODERN_LENET5 : CLASSIC_LENET5;
    const network = buildNetwork(spec, { seed: 11 + i });
    await writeModelFolder(join(dir, arch), {
      spec,
      weights: network.getWeights(),
      meta: { arch, title: arch === 'modern' ? 'Modern LeNet-5 (untrained)' : 'Classic LeNet-5 (untrained)', seed: 11 + i },
    });
  }
  const replay = join(shipped, REPLAY_FILE);
  if (existsSync(replay)) await copyFile(replay, join(dir, REPLAY_FILE));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  console.log((await modelsForTests()).dir);
}
