import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createHandlers } from '../../main/api/handlers.ts';
import { createCore } from '../../main/core/core.ts';
import type { InkStroke } from '../../main/ink/types.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { startWebServer } from '../../main/web/server.ts';
import { createWsClient, type SocketLike } from '../../renderer/transport/ws-client.ts';
import { percentile } from './stats.ts';

/**
 * Predict round trip over browser mode's WebSocket, as the page sees it: the renderer's own client sends a
 * real pen digit (UNIPEN), the in-process server validates it, runs the ink pipeline and ONNX Runtime, and
 * answers with the probabilities and every layer's feature maps, which the client parses. One call at a
 * time, as while drawing.
 */
const root = resolve(import.meta.dirname, '../..');
const UNIPEN = resolve(root, '../shared/data/unipen-dev');

export interface WsPredictOptions {
  readonly quick: boolean;
  /** A model folder (native-models/modern, or a temporary one with random weights). */
  readonly modelDir: string;
  readonly log?: (line: string) => void;
}

/** Inks from every institution in turn, so sizes and point counts vary as real drawing does. */
async function loadInks(count: number): Promise<InkStroke[][]> {
  const files = ['syn', 'ced', 'gmd', 'tos', 'uqb', 'imp', 'pri'];
  const perFile = await Promise.all(
    files.map(async (f) => (await readFile(join(UNIPEN, `${f}.jsonl`), 'utf8')).split('\n').filter((l) => l.trim()).slice(0, count)),
  );
  const inks: InkStroke[][] = [];
  for (let i = 0; inks.length < count; i++) {
    for (const lines of perFile) if (lines[i % lines.length] && inks.length < count) inks.push((JSON.parse(lines[i % lines.length]) as { strokes: InkStroke[] }).strokes);
  }
  return inks;
}

export async function measure(options: WsPredictOptions): Promise<{ wsPredictP50Ms: number; wsPredictP95Ms: number; wsPredictMeanMs: number; wsPredictRuns: number } | { skipped: string }> {
  const runs = options.quick ? 150 : 600;
  const warmup = options.quick ? 20 : 60;
  let inks: InkStroke[][];
  try {
    inks = await loadInks(runs + warmup);
  } catch (err) {
    return { skipped: `the UNIPEN inks are not readable at ${UNIPEN}: ${(err as Error).message}` };
  }
  // The core lists model folders under a root; the bench's model folder becomes its "modern".
  const modelsRoot = await mkdtemp(join(tmpdir(), 'lenet-ws-bench-'));
  await symlink(resolve(options.modelDir), join(modelsRoot, 'modern'), 'junction');
  const core = await createCore({ roots: [{ dir: modelsRoot, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: 'bench', transport: 'web' });
  const server = await startWebServer({ table: createHandlers(core), staticDir: join(root, 'dist/renderer') });
  const origin = `http://127.0.0.1:${server.port}`;
  const client = createWsClient(server.wsUrl, (url) => new WebSocket(url, { origin }) as unknown as SocketLike);
  try {
    const times: number[] = [];
    let maps = 0;
    for (const [i, strokes] of inks.entries()) {
      const t0 = performance.now();
      const response = await client.predict({ ink: { strokes } });
      const elapsed = performance.now() - t0;
      if (i >= warmup) times.push(elapsed);
      maps = response.activations.length;
    }
    options.log?.(`ws-predict: ${times.length} round trips with ${maps} layers of feature maps each`);
    return {
      wsPredictP50Ms: percentile(times, 50),
      wsPredictP95Ms: percentile(times, 95),
      wsPredictMeanMs: times.reduce((a, b) => a + b, 0) / times.length,
      wsPredictRuns: times.length,
    };
  } finally {
    client.close();
    await server.close();
    await core.close();
    await rm(modelsRoot, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const { resolveModel } = await import('./model-source.ts');
  const model = await resolveModel(join(root, 'native-models/modern'));
  try {
    console.log(JSON.stringify(await measure({ quick: process.argv.includes('--quick'), modelDir: model.dir, log: (l) => console.error(l) })));
  } finally {
    await model.dispose();
  }
}
