import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNetwork, CLASSIC_LENET5, MODERN_LENET5, type NetworkSpec } from '../../main/engine/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import type { InkStroke } from '../../main/ink/types.ts';
import WebSocket from 'ws';
import type { SocketFactory, SocketLike } from '../../renderer/transport/ws-client.ts';

/**
 * Model folders for tests, written by the same code training uses, from seeded random networks (the
 * trained models may not exist yet, and tests must not depend on them).
 */
export async function makeModelsDir(archs: readonly ('modern' | 'classic')[] = ['modern', 'classic']): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lenet-models-'));
  for (const arch of archs) {
    const spec: NetworkSpec = arch === 'modern' ? MODERN_LENET5 : CLASSIC_LENET5;
    const network = buildNetwork(spec, { seed: arch === 'modern' ? 1 : 2 });
    await writeModelFolder(join(dir, arch), {
      spec,
      weights: network.getWeights(),
      meta: { arch, title: `Test ${arch}`, metrics: { testAccuracy: 0.5 }, seed: 1 },
    });
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The first `n` inks of a unipen-dev file (real pen data, never copied into the repo). */
export async function unipenInks(n: number, file = 'pri.jsonl'): Promise<{ label: number; strokes: InkStroke[] }[]> {
  const text = await readFile(join(import.meta.dirname, '../../../shared/data/unipen-dev', file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .slice(0, n)
    .map((line) => {
      const record = JSON.parse(line) as { label: number; strokes: InkStroke[] };
      return { label: record.label, strokes: record.strokes };
    });
}

/** The renderer's WebSocket client, run in Node over the `ws` package, presenting the page's Origin. */
export function nodeSockets(origin: string): SocketFactory {
  return (url) => new WebSocket(url, { origin }) as unknown as SocketLike;
}
